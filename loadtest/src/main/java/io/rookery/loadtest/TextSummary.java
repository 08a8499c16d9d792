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
        }
        if (r.failures().isEmpty()) {
            line(sb, "failures: none");
        } else {
            line(sb, "failures:");
            for (Map.Entry<String, Long> f : r.failures().entrySet()) {
                String example = r.failureExamples().get(f.getKey());
                line(sb, "  %-40s %8d%s", f.getKey(), f.getValue(), example == null ? "" : "  e.g. " + example);
            }
        }
        for (String note : r.notes()) line(sb, "note: %s", note);
        return sb.toString();
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
