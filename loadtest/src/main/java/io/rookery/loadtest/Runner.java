package io.rookery.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs one scenario through its phases on the calling thread: log in (paced), then hold (idle) or chat, then close
 * everything. Each phase ends on its own condition or at the run's hard deadline ({@code --timeout}), whichever
 * comes first, so a run always stops by itself.
 */
final class Runner {
    private static final long POLL_MILLIS = 20;

    private final Options options;
    private final PrintStream out;
    private final PrintStream err;
    private final List<String> notes = new ArrayList<>();
    private volatile boolean stopRequested;
    private Metrics metrics;
    private long deadline;
    private double allEndedSeconds = Double.NaN;
    private long sendStart;
    private long sendEnd;

    Runner(Options options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /** Makes the run end its current phase early (Ctrl-C); the results so far are still reported. */
    void requestStop() {
        stopRequested = true;
    }

    RunResult run() throws IOException, InterruptedException {
        Instant startedAt = Instant.now();
        metrics = new Metrics();
        deadline = metrics.startNanos + options.timeout.toNanos();
        Engine engine = new Engine(options, metrics);
        Reporter reporter = new Reporter(options, metrics, err);
        err.printf(Locale.ROOT, "loadtest: %s, %d users on %s:%d (%s, tls %s), %d I/O thread(s)%n",
                options.scenario.cliName(), options.users, options.host, options.port, options.mechanism,
                options.tls.name().toLowerCase(Locale.ROOT), options.threads);
        engine.start();
        reporter.start();
        try {
            switch (options.scenario) {
                case LOGIN_STORM -> loginStorm(engine);
                case IDLE -> idle(engine);
                case CHAT -> chat(engine);
            }
        } finally {
            if (sendStart != 0 && sendEnd == 0) sendEnd = System.nanoTime();
            engine.shutdown();
            reporter.stop();
        }
        double elapsed = (System.nanoTime() - metrics.startNanos) / 1e9;
        return result(startedAt, elapsed, reporter);
    }

    /** Logins at --rate until all have been tried or --duration has passed; then wait for those in progress. */
    private void loginStorm(Engine engine) throws InterruptedException {
        engine.startLogins(options.rate);
        long cutoff = metrics.startNanos + options.duration.toNanos();
        boolean all = await(this::allLoginsEnded, Math.min(cutoff, deadline), "starting logins");
        if (!all) {
            engine.stopLogins();
            if (System.nanoTime() - cutoff >= 0 && !stopRequested) {
                notes.add("--duration reached before every user had logged in: "
                        + metrics.loginsStarted.sum() + " of " + options.users + " started");
            }
            await(this::startedLoginsEnded, deadline, "finishing logins in progress");
        }
        if (startedLoginsEnded()) markAllUp();
    }

    /** Logs everyone in with presence, says so, and holds the sessions for --duration. */
    private void idle(Engine engine) throws InterruptedException {
        if (!logInEveryone(engine)) return;
        String line = String.format(Locale.ROOT,
                "ALL UP: %d of %d sessions online (%d failed) at %.1fs; holding them for %s. Sample the server's"
                        + " memory now.", metrics.sessionsUp.get(), options.users, metrics.loginsFailed.sum(),
                allEndedSeconds, Options.seconds(options.duration));
        out.println(line);
        out.flush();
        err.println(line);
        sleepUntil(Math.min(System.nanoTime() + options.duration.toNanos(), deadline), "holding sessions");
    }

    /** Logs everyone in, then sends at --rate for --duration and waits up to --grace for messages in flight. */
    private void chat(Engine engine) throws InterruptedException {
        if (!logInEveryone(engine)) return;
        List<String> online = engine.onlineJids();
        if (online.size() < 2) {
            notes.add("chat needs at least two sessions online; " + online.size() + " were");
            return;
        }
        err.printf(Locale.ROOT, "loadtest: %d sessions online; sending %.1f messages/s for %s%n", online.size(),
                options.rate, Options.seconds(options.duration));
        sendStart = System.nanoTime();
        engine.startSending(online.toArray(String[]::new), options.rate);
        sleepUntil(Math.min(sendStart + options.duration.toNanos(), deadline), "sending");
        engine.stopSending();
        sendEnd = System.nanoTime();
        long graceEnd = Math.min(sendEnd + options.grace.toNanos(), deadline);
        boolean settled = await(() -> metrics.received.sum() + metrics.bounced.sum() >= metrics.sent.sum(),
                graceEnd, "waiting for messages in flight");
        if (!settled && !stopRequested) {
            notes.add("grace period ended with messages still missing");
        }
    }

    /** Logs in every user at --ramp; false when the run ended before all logins had ended. */
    private boolean logInEveryone(Engine engine) throws InterruptedException {
        engine.startLogins(options.ramp);
        boolean all = await(this::allLoginsEnded, deadline, "logging in");
        if (all) markAllUp();
        return all;
    }

    private boolean allLoginsEnded() {
        return metrics.loginsStarted.sum() == options.users && startedLoginsEnded();
    }

    private boolean startedLoginsEnded() {
        return metrics.loginsOk.sum() + metrics.loginsFailed.sum() >= metrics.loginsStarted.sum();
    }

    private void markAllUp() {
        allEndedSeconds = (System.nanoTime() - metrics.startNanos) / 1e9;
    }

    /** Waits until done holds, the deadline passes or a stop is requested; true when done held. */
    private boolean await(BooleanSupplier done, long until, String what) throws InterruptedException {
        while (!done.getAsBoolean()) {
            if (stopRequested) {
                noteStop(what);
                return false;
            }
            if (System.nanoTime() - until >= 0) {
                if (until == deadline) notes.add("--timeout reached while " + what);
                return done.getAsBoolean();
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        return true;
    }

    private void sleepUntil(long until, String what) throws InterruptedException {
        await(() -> false, until, what);
    }

    private void noteStop(String what) {
        String note = "stopped by the operator while " + what;
        if (!notes.contains(note)) notes.add(note);
    }

    private RunResult result(Instant startedAt, double elapsed, Reporter reporter) {
        long firstStart = metrics.firstLoginStartNanos.get();
        long lastOk = metrics.lastLoginOkNanos.get();
        long ok = metrics.loginsOk.sum();
        double loginSpan = (lastOk - firstStart) / 1e9;
        double loginRate = ok > 0 && firstStart != Long.MIN_VALUE && loginSpan > 0 ? ok / loginSpan : 0;
        RunResult.Logins logins = new RunResult.Logins(options.users, metrics.loginsStarted.sum(), ok,
                metrics.loginsFailed.sum(), metrics.dropped.sum(), metrics.maxUp.get(), allEndedSeconds, loginRate,
                reporter.phaseLatencies());
        RunResult.Messages messages = null;
        if (options.scenario == Options.Scenario.CHAT) {
            long sent = metrics.sent.sum();
            long received = metrics.received.sum();
            double sendSeconds = sendStart == 0 ? 0 : (sendEnd - sendStart) / 1e9;
            messages = new RunResult.Messages(options.rate, sendSeconds, sent,
                    sendSeconds > 0 ? sent / sendSeconds : 0, received,
                    sendSeconds > 0 ? received / sendSeconds : 0, sent - received, metrics.bounced.sum(),
                    metrics.bounceConditions(), metrics.duplicates.sum(), reporter.messageLatency());
        }
        return new RunResult(options.scenario.cliName(), options.effective(), startedAt.toString(), elapsed,
                List.copyOf(notes), logins, messages, metrics.failures(), metrics.failureExamples(),
                reporter.samples());
    }
}
