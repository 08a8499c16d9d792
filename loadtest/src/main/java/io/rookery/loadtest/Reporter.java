package io.rookery.loadtest;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Samples the metrics into the timeline and the run's total histograms, and prints a progress line on stderr
 * every progress interval. Runs on its own thread; its results are read after {@link #stop()}.
 */
final class Reporter implements Runnable {
    private final Metrics metrics;
    private final Options.Scenario scenario;
    private final PrintStream err;
    private final int target;
    private final long periodNanos;
    private final long progressNanos;
    private final Thread thread = new Thread(this, "loadtest-reporter");
    private volatile boolean running = true;

    private final List<Sample> samples = new ArrayList<>();
    private final Histogram messageTotal = new Histogram(Metrics.HIGHEST_MICROS, Metrics.DIGITS);
    private final Histogram ackTotal = new Histogram(Metrics.HIGHEST_MICROS, Metrics.DIGITS);
    private Histogram ackInterval;
    private final Histogram messageFromDueTotal = new Histogram(Metrics.HIGHEST_MICROS, Metrics.DIGITS);
    private Histogram messageFromDueInterval;
    private final Map<Metrics.Phase, Histogram> phaseTotals = new EnumMap<>(Metrics.Phase.class);
    private Histogram messageInterval;
    private final Map<Metrics.Phase, Histogram> phaseIntervals = new EnumMap<>(Metrics.Phase.class);
    private long lastNanos;
    private long lastLogins;
    private long lastSent;
    private long lastReceived;
    private long nextProgress;
    private Sample lastProgress;

    Reporter(Options options, Metrics metrics, PrintStream err) {
        this.metrics = metrics;
        this.scenario = options.scenario;
        this.err = err;
        this.target = options.users;
        this.progressNanos = options.progress.toNanos();
        this.periodNanos = Math.min(TimeUnit.SECONDS.toNanos(1), progressNanos);
        for (Metrics.Phase p : Metrics.Phase.values()) {
            phaseTotals.put(p, new Histogram(Metrics.HIGHEST_MICROS, Metrics.DIGITS));
        }
        thread.setDaemon(true);
    }

    void start() {
        lastNanos = metrics.startNanos;
        nextProgress = metrics.startNanos + progressNanos;
        thread.start();
    }

    /** Stops sampling and takes a last sample; afterwards the results below are stable. */
    void stop() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join();
        sample(System.nanoTime());
    }

    @Override
    public void run() {
        long next = metrics.startNanos + periodNanos;
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
            long now = System.nanoTime();
            next += periodNanos;
            if (next < now) next = now + periodNanos; // fell far behind (a stopped machine): do not burst
            synchronized (this) {
                sample(now);
                if (now - nextProgress >= 0) {
                    nextProgress += progressNanos;
                    Sample current = samples.get(samples.size() - 1);
                    err.println(progressLine(lastProgress, current));
                    lastProgress = current;
                }
            }
        }
    }

    private synchronized void sample(long now) {
        messageInterval = metrics.messageLatency.getIntervalHistogram(messageInterval);
        messageTotal.add(messageInterval);
        messageFromDueInterval = metrics.messageLatencyFromDue.getIntervalHistogram(messageFromDueInterval);
        messageFromDueTotal.add(messageFromDueInterval);
        ackInterval = metrics.ackLatency.getIntervalHistogram(ackInterval);
        ackTotal.add(ackInterval);
        for (Metrics.Phase p : Metrics.Phase.values()) {
            Histogram h = metrics.phase(p).getIntervalHistogram(phaseIntervals.get(p));
            phaseIntervals.put(p, h);
            phaseTotals.get(p).add(h);
        }
        double dt = Math.max(1e-9, (now - lastNanos) / 1e9);
        long logins = metrics.loginsOk.sum();
        long sent = metrics.sent.sum();
        long received = metrics.received.sum();
        boolean any = messageInterval.getTotalCount() > 0;
        samples.add(new Sample((now - metrics.startNanos) / 1e9, metrics.sessionsUp.get(), logins,
                metrics.loginsFailed.sum(), metrics.dropped.sum(), sent, received, metrics.bounced.sum(),
                (logins - lastLogins) / dt, (sent - lastSent) / dt, (received - lastReceived) / dt,
                any ? messageInterval.getValueAtPercentile(50) / 1000.0 : Double.NaN,
                any ? messageInterval.getValueAtPercentile(99) / 1000.0 : Double.NaN,
                any ? messageInterval.getMaxValue() / 1000.0 : Double.NaN));
        lastNanos = now;
        lastLogins = logins;
        lastSent = sent;
        lastReceived = received;
    }

    /**
     * The progress line: sessions, logins and their rate since the previous line, failures, login latency so far;
     * with contacts, the sessions done with their roster and presences steps and those phases' latency; when
     * chatting (churning), message (presence change and broadcast) counts and rates since the previous line and
     * end-to-end latency so far.
     */
    private String progressLine(Sample prev, Sample s) {
        double dt = Math.max(1e-9, s.seconds() - (prev == null ? 0 : prev.seconds()));
        double logins = (s.loginsOk() - (prev == null ? 0 : prev.loginsOk())) / dt;
        double sent = (s.sent() - (prev == null ? 0 : prev.sent())) / dt;
        double received = (s.received() - (prev == null ? 0 : prev.received())) / dt;
        StringBuilder sb = new StringBuilder(160);
        sb.append(String.format(Locale.ROOT, "[%7.1fs] up %d/%d  logins %d (%.0f/s)  failed %d  dropped %d",
                s.seconds(), s.sessionsUp(), target, s.loginsOk(), logins, s.loginsFailed(), s.dropped()));
        Histogram login = phaseTotals.get(Metrics.Phase.TOTAL);
        if (login.getTotalCount() > 0) {
            sb.append(String.format(Locale.ROOT, "  login p50 %s p99 %s", ms(login.getValueAtPercentile(50)),
                    ms(login.getValueAtPercentile(99))));
        }
        if (scenario.usesContacts() && s.sent() == 0) {
            sb.append(String.format(Locale.ROOT, "  | steps done %d", metrics.stepsEnded.sum()));
            Histogram roster = phaseTotals.get(Metrics.Phase.ROSTER);
            Histogram presences = phaseTotals.get(Metrics.Phase.PRESENCES);
            if (roster.getTotalCount() > 0) {
                sb.append(String.format(Locale.ROOT, "  roster p50 %s p99 %s", ms(roster.getValueAtPercentile(50)),
                        ms(roster.getValueAtPercentile(99))));
            }
            if (presences.getTotalCount() > 0) {
                sb.append(String.format(Locale.ROOT, "  presences p50 %s p99 %s",
                        ms(presences.getValueAtPercentile(50)), ms(presences.getValueAtPercentile(99))));
            }
        }
        if (scenario == Options.Scenario.MUC && s.sent() == 0 && metrics.mucJoinsAsked.sum() > 0) {
            sb.append(String.format(Locale.ROOT, "  | joined %d of %d asked, failed %d",
                    metrics.mucJoined.sum(), metrics.mucJoinsAsked.sum(), metrics.mucJoinFailed.sum()));
        }
        if (s.sent() > 0 && scenario == Options.Scenario.MUC) {
            sb.append(String.format(Locale.ROOT, "  | groupchat %d (%.0f/s) deliveries %d of %d (%.0f/s) errors %d",
                    s.sent(), sent, s.received(), metrics.mucExpected.sum(), received, s.bounced()));
        } else if (s.sent() > 0 && scenario == Options.Scenario.PRESENCE_CHURN) {
            sb.append(String.format(Locale.ROOT, "  | changes %d (%.0f/s) broadcasts %d of %d (%.0f/s)", s.sent(),
                    sent, s.received(), metrics.presenceExpected.sum(), received));
        } else if (s.sent() > 0) {
            sb.append(String.format(Locale.ROOT, "  | sent %d (%.0f/s) recv %d (%.0f/s) bounced %d", s.sent(), sent,
                    s.received(), received, s.bounced()));
        }
        if (s.sent() > 0) {
            if (messageTotal.getTotalCount() > 0) {
                sb.append(String.format(Locale.ROOT, "  latency p50 %s p99 %s max %s",
                        ms(messageTotal.getValueAtPercentile(50)), ms(messageTotal.getValueAtPercentile(99)),
                        ms(messageTotal.getMaxValue())));
            }
        }
        return sb.toString();
    }

    private static String ms(long micros) {
        return String.format(Locale.ROOT, "%.2fms", micros / 1000.0);
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    synchronized LatencySummary messageLatency() {
        return LatencySummary.of(messageTotal);
    }

    /** XEP-0198 acknowledgement delays (--sm=on); null when none was recorded. */
    synchronized LatencySummary ackLatency() {
        return ackTotal.getTotalCount() == 0 ? null : LatencySummary.of(ackTotal);
    }

    synchronized LatencySummary messageLatencyFromDue() {
        return LatencySummary.of(messageFromDueTotal);
    }

    synchronized Map<Metrics.Phase, LatencySummary> phaseLatencies() {
        Map<Metrics.Phase, LatencySummary> out = new EnumMap<>(Metrics.Phase.class);
        phaseTotals.forEach((p, h) -> out.put(p, LatencySummary.of(h)));
        return out;
    }
}
