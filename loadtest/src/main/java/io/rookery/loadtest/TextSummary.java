package io.rookery.loadtest;

import java.util.Locale;
import java.util.Map;

/** The summary printed on stdout at the end of a run. */
final class TextSummary {
    private TextSummary() {}

    static String write(RunResult r) {
        StringBuilder sb = new StringBuilder(1024);
        Map<String, String> o = r.options();
        line(sb, "scenario %s against %s:%s (domain %s, %s, tls %s), %.1fs", r.scenario(), o.get("host"),
                o.get("port"), o.get("domain"), o.get("mechanism"), o.get("tls"), r.elapsedSeconds());
        accounts(sb, r.accounts());
        rosterSetup(sb, r.rosterSetup());
        RunResult.Logins l = r.logins();
        line(sb, "logins: %d of %d ok, %d failed, %d dropped after login; peak %d sessions up", l.ok(), l.target(),
                l.failed(), l.dropped(), l.maxUp());
        line(sb, "login rate achieved: %.1f/s%s", l.ratePerSecond(),
                "login-storm".equals(r.scenario()) ? " (target " + rateText(o.get("rate")) + ")" : "");
        line(sb, "login latency ms    %8s %8s %8s %8s %8s %8s", "p50", "p90", "p99", "p99.9", "max", "count");
        for (Map.Entry<Metrics.Phase, LatencySummary> e : l.phases().entrySet()) {
            LatencySummary s = e.getValue();
            if (s.count() == 0) continue;
            line(sb, "  %-17s %8s %8s %8s %8s %8s %8d", e.getKey().name().toLowerCase(Locale.ROOT), ms(s.p50Ms()),
                    ms(s.p90Ms()), ms(s.p99Ms()), ms(s.p999Ms()), ms(s.maxMs()), s.count());
        }
        RunResult.Messages m = r.messages();
        if (m != null) {
            line(sb, "messages: offered %.1f/s, sent %d in %.1fs (%.1f/s), received %d (%.1f/s)", m.offeredRate(),
                    m.sent(), m.sendSeconds(), m.achievedRate(), m.received(), m.deliveredRate());
            line(sb, "  lost %d, bounced with an error %d%s, duplicates %d", m.lost(), m.bounced(),
                    m.bounceConditions().isEmpty() ? "" : " " + m.bounceConditions(), m.duplicates());
            LatencySummary s = m.latency();
            line(sb, "  end-to-end latency ms: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (mean %s, %d samples)",
                    ms(s.p50Ms()), ms(s.p90Ms()), ms(s.p99Ms()), ms(s.p999Ms()), ms(s.maxMs()), ms(s.meanMs()),
                    s.count());
            LatencySummary d = m.latencyFromDue();
            line(sb, "  from when each was due ms: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (mean %s)",
                    ms(d.p50Ms()), ms(d.p90Ms()), ms(d.p99Ms()), ms(d.p999Ms()), ms(d.maxMs()), ms(d.meanMs()));
            LatencySummary a = m.ackLatency();
            if (a != null) {
                line(sb, "  acknowledged by the server (XEP-0198) %d; ack delay ms: p50 %s  p90 %s  p99 %s  max %s",
                        m.acked(), ms(a.p50Ms()), ms(a.p90Ms()), ms(a.p99Ms()), ms(a.maxMs()));
            }
            RunResult.Guarantee g = m.guarantee();
            if (g != null) {
                line(sb, "  by id: acknowledged %d, delivered %d, acknowledged and not delivered %d%s",
                        g.acked(), g.delivered(), g.ackedNotDelivered(), g.archiveChecked()
                                ? String.format(Locale.ROOT, ", found in the archive %d (not: %d acknowledged;"
                                        + " %d of %d archives read)", g.archived(), g.ackedNotArchived(),
                                        g.archiveRead(), g.archiveUsers()) : "");
                line(sb, "  ACKNOWLEDGED AND LOST: %d%s; duplicates %d; sent and never acknowledged %d; written"
                        + " again %d", g.ackedLost(), g.ackedLostExamples().isEmpty() ? ""
                                : " (e.g. m" + g.ackedLostExamples().get(0) + ")", m.duplicates(), g.sentNotAcked(),
                        g.resent());
                if (g.disconnects() > 0 || g.resumed() + g.rebound() > 0) {
                    LatencySummary res = g.resumeLatency();
                    LatencySummary b = g.reboundLatency();
                    line(sb, "  drops %d: resumed %d (drop to resumed ms p50 %s p99 %s max %s), refused %d, bound"
                            + " afresh %d (ms p50 %s p99 %s max %s), gave up %d", g.disconnects(), g.resumed(),
                            ms(res.p50Ms()), ms(res.p99Ms()), ms(res.maxMs()), g.resumeFailed(), g.rebound(),
                            ms(b.p50Ms()), ms(b.p99Ms()), ms(b.maxMs()), g.gaveUp());
                }
            }
        }
        RunResult.Presences p = r.presences();
        if (p != null) {
            line(sb, "presence changes: offered %.1f/s, sent %d in %.1fs (%.1f/s)", p.offeredRate(), p.changes(),
                    p.sendSeconds(), p.achievedRate());
            line(sb, "  broadcasts: expected %d, received %d (%.1f/s), lost %d, duplicates %d, to non-contacts %d",
                    p.expected(), p.received(), p.deliveredRate(), p.lost(), p.duplicates(), p.unexpected());
            LatencySummary s = p.latency();
            line(sb, "  broadcast latency ms: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (mean %s, %d samples)",
                    ms(s.p50Ms()), ms(s.p90Ms()), ms(s.p99Ms()), ms(s.p999Ms()), ms(s.maxMs()), ms(s.meanMs()),
                    s.count());
        }
        muc(sb, r.muc());
        if (r.failures().isEmpty()) {
            line(sb, "failures: none");
        } else {
            line(sb, "failures:");
            kinds(sb, r.failures(), r.failureExamples());
        }
        for (String note : r.notes()) line(sb, "note: %s", note);
        return sb.toString();
    }

    private static void muc(StringBuilder sb, RunResult.Muc m) {
        if (m == null) return;
        line(sb, "group chat: %d rooms of %d at %s: %d ready (%d created, %d found there), %d failed; configuration"
                + " retried empty %d", m.rooms(), m.roomSize(), m.service(), m.roomsReady(), m.roomsCreated(),
                m.roomsExisting(), m.roomsFailed(), m.configRetried());
        LatencySummary jl = m.joinLatency();
        line(sb, "  joins: %d of %d users in their room, %d not, in %.1fs; join ms: p50 %s  p90 %s  p99 %s  max %s",
                m.joined(), m.joinsAttempted(), m.joinFailed(), m.joinSeconds(), ms(jl.p50Ms()), ms(jl.p90Ms()),
                ms(jl.p99Ms()), ms(jl.maxMs()));
        for (Map.Entry<String, Long> e : m.joinErrors().entrySet()) line(sb, "    %-38s %8d", e.getKey(), e.getValue());
        RunResult.MucWindow w = m.measured();
        line(sb, "  messages: offered %.1f/s, sent %d in %.1fs (%.1f/s); deliveries expected %d, received %d, %d in"
                + " the window (%.1f/s)", w.offeredRate(), w.sent(), w.sendSeconds(), w.achievedRate(), w.expected(),
                w.received(), w.receivedInWindow(), w.deliveredRate());
        line(sb, "  lost %d, duplicates %d, errors %d%s", w.lost(), w.duplicates(), w.errors(),
                m.errorConditions().isEmpty() ? "" : " " + m.errorConditions());
        LatencySummary s = w.latency();
        line(sb, "  fan-out latency ms: p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (mean %s, %d samples)",
                ms(s.p50Ms()), ms(s.p90Ms()), ms(s.p99Ms()), ms(s.p999Ms()), ms(s.maxMs()), ms(s.meanMs()),
                s.count());
        LatencySummary d = w.latencyFromDue();
        line(sb, "  from when each was due ms: p50 %s  p90 %s  p99 %s  max %s", ms(d.p50Ms()), ms(d.p90Ms()),
                ms(d.p99Ms()), ms(d.maxMs()));
        line(sb, "  kept up: %s", w.verdict());
        for (RunResult.MucWindow st : m.steps()) {
            line(sb, "  step %.1f/s: sent %d (%.1f/s), deliveries %d of %d (%.1f/s), p50 %s p99 %s max %s ms: %s",
                    st.offeredRate(), st.sent(), st.achievedRate(), st.received(), st.expected(), st.deliveredRate(),
                    ms(st.latency().p50Ms()), ms(st.latency().p99Ms()), ms(st.latency().maxMs()), st.verdict());
        }
        RunResult.MucWindow best = w.keptUp() ? w : null;
        for (RunResult.MucWindow st : m.steps()) {
            if (best == null || !st.keptUp()) break;
            best = st;
        }
        line(sb, "  sustained: %s", best == null ? "none (the measured window did not keep up)"
                : String.format(Locale.ROOT, "%.1f messages/s, %.0f deliveries/s", best.offeredRate(),
                        best.deliveredRate()));
    }

    private static void accounts(StringBuilder sb, RunResult.Accounts a) {
        if (a == null) return;
        if ("command".equals(a.method())) {
            line(sb, "accounts: created by the command in %.1fs (exit status %d): %s", a.seconds(), a.exitStatus(),
                    a.command());
            return;
        }
        line(sb, "accounts (XEP-0077): %d registrations in %.1fs: %d created, %d existing, %d failed", a.attempted(),
                a.seconds(), a.created(), a.existing(), a.failed());
        LatencySummary s = a.latency();
        if (s.count() > 0) {
            line(sb, "  registration latency ms: p50 %s  p90 %s  p99 %s  max %s", ms(s.p50Ms()), ms(s.p90Ms()),
                    ms(s.p99Ms()), ms(s.maxMs()));
        }
        kinds(sb, a.failures(), a.failureExamples());
    }

    private static void rosterSetup(StringBuilder sb, RunResult.RosterSetup s) {
        if (s == null) return;
        line(sb, "roster setup: %d contacts each, %d of %d roster items both (%s) in %.1fs; %d logins ok, %d failed,"
                + " %d subscribe sent", s.contacts(), s.itemsBoth(), s.itemsBothExpected(),
                s.complete() ? "complete" : "INCOMPLETE", s.seconds(), s.loginsOk(), s.loginsFailed(),
                s.subscriptionsSent());
        kinds(sb, s.failures(), s.failureExamples());
    }

    private static void kinds(StringBuilder sb, Map<String, Long> counts, Map<String, String> examples) {
        for (Map.Entry<String, Long> f : counts.entrySet()) {
            String example = examples.get(f.getKey());
            line(sb, "  %-40s %8d%s", f.getKey(), f.getValue(), example == null ? "" : "  e.g. " + example);
        }
    }

    private static String rateText(String rate) {
        return rate == null || Double.parseDouble(rate) == 0 ? "as fast as possible" : rate + "/s";
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static void line(StringBuilder sb, String format, Object... args) {
        sb.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
