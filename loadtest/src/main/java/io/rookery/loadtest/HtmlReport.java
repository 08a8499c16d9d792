package io.rookery.loadtest;

import io.rookery.protocol.xml.XmlWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The self-contained HTML page: tables and inline SVG charts, no scripts, no external resources. */
final class HtmlReport {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

    private HtmlReport() {}

    static String write(RunResult r) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>");
        esc(sb, "Rookery load test: " + r.scenario() + " " + r.startedAt());
        sb.append("</title><style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;"
                + "margin:0.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
                + "th{background:#f4f4f4}td.l,th.l{text-align:left}.note{color:#a40}svg{display:block;"
                + "margin:0.5em 0 1.5em}</style></head><body>\n");
        sb.append("<h1>");
        esc(sb, "Rookery load test: " + r.scenario());
        sb.append("</h1>\n<p>");
        esc(sb, String.format(Locale.ROOT, "Started %s, ran %.1f s against %s:%s (domain %s, %s, TLS %s).",
                r.startedAt(), r.elapsedSeconds(), r.options().get("host"), r.options().get("port"),
                r.options().get("domain"), r.options().get("mechanism"), r.options().get("tls")));
        sb.append("</p>\n");
        for (String note : r.notes()) {
            sb.append("<p class='note'>");
            esc(sb, note);
            sb.append("</p>\n");
        }
        if (r.accounts() != null) accounts(sb, r.accounts());
        if (r.rosterSetup() != null) rosterSetup(sb, r.rosterSetup());
        logins(sb, r.logins());
        if (r.messages() != null) messages(sb, r.messages());
        if (r.presences() != null) presences(sb, r.presences());
        if (r.muc() != null) muc(sb, r.muc());
        failures(sb, r);
        charts(sb, r);
        sb.append("<h2>Options</h2>\n<table>");
        for (Map.Entry<String, String> o : r.options().entrySet()) row(sb, "--" + o.getKey(), o.getValue());
        sb.append("</table>\n</body></html>\n");
        return sb.toString();
    }

    /** Ends the current table and opens a latency table (rows from {@link #latencyRow}). */
    private static final String LATENCY_TABLE_HEAD = "</table>\n<table><tr><th class='l'>latency (ms)</th><th>count</th>"
            + "<th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>mean</th></tr>";

    private static void logins(StringBuilder sb, RunResult.Logins l) {
        sb.append("<h2>Logins</h2>\n<table>");
        row(sb, "target", Long.toString(l.target()));
        row(sb, "started", Long.toString(l.started()));
        row(sb, "ok", Long.toString(l.ok()));
        row(sb, "failed", Long.toString(l.failed()));
        row(sb, "dropped after login", Long.toString(l.dropped()));
        row(sb, "peak sessions up", Long.toString(l.maxUp()));
        row(sb, "all logins ended at", num(l.allEndedSeconds()) + " s");
        row(sb, "logins per second achieved", num(l.ratePerSecond()));
        sb.append(LATENCY_TABLE_HEAD);
        l.phases().forEach((phase, s) -> latencyRow(sb, phase.name().toLowerCase(Locale.ROOT), s));
        sb.append("</table>\n");
    }

    private static void messages(StringBuilder sb, RunResult.Messages m) {
        sb.append("<h2>Messages</h2>\n<table>");
        row(sb, "offered rate (/s)", num(m.offeredRate()));
        row(sb, "send phase (s)", num(m.sendSeconds()));
        row(sb, "sent", Long.toString(m.sent()));
        row(sb, "achieved send rate (/s)", num(m.achievedRate()));
        row(sb, "received", Long.toString(m.received()));
        row(sb, "delivered rate (/s)", num(m.deliveredRate()));
        row(sb, "lost (not received by the end of the grace period)", Long.toString(m.lost()));
        row(sb, "bounced with an error", m.bounced() + (m.bounceConditions().isEmpty() ? ""
                : " " + m.bounceConditions()));
        row(sb, "duplicates", Long.toString(m.duplicates()));
        sb.append(LATENCY_TABLE_HEAD);
        latencyRow(sb, "end to end", m.latency());
        sb.append("</table>\n");
    }

    private static void presences(StringBuilder sb, RunResult.Presences p) {
        sb.append("<h2>Presence broadcasts</h2>\n<table>");
        row(sb, "offered changes per second", num(p.offeredRate()));
        row(sb, "send phase (s)", num(p.sendSeconds()));
        row(sb, "presence changes sent", Long.toString(p.changes()));
        row(sb, "achieved change rate (/s)", num(p.achievedRate()));
        row(sb, "broadcasts expected (available contacts at each change)", Long.toString(p.expected()));
        row(sb, "broadcasts received", Long.toString(p.received()));
        row(sb, "delivered rate (/s)", num(p.deliveredRate()));
        row(sb, "lost (not received by the end of the grace period)", Long.toString(p.lost()));
        row(sb, "duplicates", Long.toString(p.duplicates()));
        row(sb, "received by a user who is not a contact", Long.toString(p.unexpected()));
        sb.append(LATENCY_TABLE_HEAD);
        latencyRow(sb, "change to contact", p.latency());
        sb.append("</table>\n");
    }

    private static void muc(StringBuilder sb, RunResult.Muc m) {
        sb.append("<h2>Group chat</h2>\n<table>");
        row(sb, "rooms", m.rooms() + " of " + m.roomSize() + " at " + m.service());
        row(sb, "rooms ready (created / found there) / failed", m.roomsReady() + " (" + m.roomsCreated() + " / "
                + m.roomsExisting() + ") / " + m.roomsFailed());
        row(sb, "configuration retried with an empty form", Long.toString(m.configRetried()));
        row(sb, "users joined / asked / not taking part", m.joined() + " / " + m.joinsAttempted() + " / "
                + m.joinFailed() + (m.joinErrors().isEmpty() ? "" : " " + m.joinErrors()));
        row(sb, "joins took (s)", num(m.joinSeconds()));
        RunResult.MucWindow w = m.measured();
        row(sb, "offered rate (/s)", num(w.offeredRate()));
        row(sb, "send phase (s)", num(w.sendSeconds()));
        row(sb, "messages sent", w.sent() + " (" + num(w.achievedRate()) + "/s)");
        row(sb, "deliveries expected / received", w.expected() + " / " + w.received());
        row(sb, "deliveries in the window (/s)", w.receivedInWindow() + " (" + num(w.deliveredRate()) + "/s)");
        row(sb, "lost / duplicates / errors", w.lost() + " / " + w.duplicates() + " / " + w.errors()
                + (m.errorConditions().isEmpty() ? "" : " " + m.errorConditions()));
        row(sb, "kept up", w.verdict());
        row(sb, "sustained rate (/s)", num(m.sustainedRate()));
        sb.append(LATENCY_TABLE_HEAD);
        latencyRow(sb, "join (to self-presence)", m.joinLatency());
        latencyRow(sb, "fan-out", w.latency());
        latencyRow(sb, "fan-out from when due", w.latencyFromDue());
        for (RunResult.MucWindow st : m.steps()) {
            latencyRow(sb, "step " + num(st.offeredRate()) + "/s: " + st.verdict(), st.latency());
        }
        sb.append("</table>\n");
    }

    private static void accounts(StringBuilder sb, RunResult.Accounts a) {
        sb.append("<h2>Accounts</h2>\n<table>");
        row(sb, "created by", "ibr".equals(a.method()) ? "XEP-0077 in-band registration" : "command");
        row(sb, "seconds", num(a.seconds()));
        if ("command".equals(a.method())) {
            row(sb, "command", a.command());
            row(sb, "exit status", String.valueOf(a.exitStatus()));
            sb.append("</table>\n");
            return;
        }
        row(sb, "registrations", String.valueOf(a.attempted()));
        row(sb, "created", String.valueOf(a.created()));
        row(sb, "existing (conflict)", String.valueOf(a.existing()));
        row(sb, "failed", String.valueOf(a.failed()));
        sb.append(LATENCY_TABLE_HEAD);
        latencyRow(sb, "registration", a.latency());
        sb.append("</table>\n");
        kinds(sb, a.failures(), a.failureExamples());
    }

    private static void rosterSetup(StringBuilder sb, RunResult.RosterSetup s) {
        sb.append("<h2>Roster setup</h2>\n<table>");
        row(sb, "contacts per user", Integer.toString(s.contacts()));
        row(sb, "seconds", num(s.seconds()));
        row(sb, "logins ok / failed", s.loginsOk() + " / " + s.loginsFailed());
        row(sb, "subscribe requests sent", Long.toString(s.subscriptionsSent()));
        row(sb, "roster items both / expected", s.itemsBoth() + " / " + s.itemsBothExpected());
        row(sb, "complete", s.complete() ? "yes" : "NO");
        sb.append("</table>\n");
        kinds(sb, s.failures(), s.failureExamples());
    }

    private static void failures(StringBuilder sb, RunResult r) {
        sb.append("<h2>Failures</h2>\n");
        if (r.failures().isEmpty()) {
            sb.append("<p>None.</p>\n");
            return;
        }
        kinds(sb, r.failures(), r.failureExamples());
    }

    private static void kinds(StringBuilder sb, Map<String, Long> counts, Map<String, String> examples) {
        if (counts.isEmpty()) return;
        sb.append("<table><tr><th class='l'>kind</th><th>count</th><th class='l'>example</th></tr>");
        for (Map.Entry<String, Long> f : counts.entrySet()) {
            String example = examples.get(f.getKey());
            sb.append("<tr><td class='l'>");
            esc(sb, f.getKey());
            sb.append("</td><td>").append(f.getValue()).append("</td><td class='l'>");
            esc(sb, example == null ? "" : example);
            sb.append("</td></tr>");
        }
        sb.append("</table>\n");
    }

    private static void charts(StringBuilder sb, RunResult r) {
        sb.append("<h2>Charts</h2>\n");
        if (r.messages() != null) {
            sb.append(latencyChart("Message end-to-end latency by percentile",
                    List.of(Map.entry("end to end", r.messages().latency()))));
        }
        if (r.presences() != null) {
            sb.append(latencyChart("Presence broadcast latency by percentile",
                    List.of(Map.entry("change to contact", r.presences().latency()))));
        }
        if (r.muc() != null) {
            List<Map.Entry<String, LatencySummary>> curves = new ArrayList<>();
            curves.add(Map.entry("measured window", r.muc().measured().latency()));
            for (RunResult.MucWindow st : r.muc().steps()) {
                curves.add(Map.entry(num(st.offeredRate()) + "/s", st.latency()));
            }
            sb.append(latencyChart("Group chat fan-out latency by percentile", curves));
        }
        List<Map.Entry<String, LatencySummary>> phases = new ArrayList<>();
        r.logins().phases().forEach((p, s) -> phases.add(Map.entry(p.name().toLowerCase(Locale.ROOT), s)));
        sb.append(latencyChart("Login latency by percentile, per phase", phases));
        List<Sample> t = r.timeline();
        List<SvgChart.Series> rates = new ArrayList<>();
        rates.add(series("logins/s", 0, t, Sample::loginsPerSecond));
        if (r.messages() != null) {
            rates.add(series("messages sent/s", 1, t, Sample::sentPerSecond));
            rates.add(series("messages received/s", 2, t, Sample::receivedPerSecond));
        }
        if (r.presences() != null) {
            rates.add(series("presence changes/s", 1, t, Sample::sentPerSecond));
            rates.add(series("broadcasts received/s", 2, t, Sample::receivedPerSecond));
        }
        if (r.muc() != null) {
            rates.add(series("groupchat messages sent/s", 1, t, Sample::sentPerSecond));
            rates.add(series("deliveries received/s", 2, t, Sample::receivedPerSecond));
        }
        sb.append(SvgChart.render("Throughput over time", "seconds since start", "per second", rates, null));
        sb.append(SvgChart.render("Sessions over time", "seconds since start", "sessions",
                List.of(series("sessions up", 0, t, s -> s.sessionsUp()),
                        series("failed logins (total)", 1, t, s -> s.loginsFailed())), null));
        if (r.messages() != null || r.presences() != null || r.muc() != null) {
            sb.append(SvgChart.render((r.messages() != null ? "Message" : r.muc() != null ? "Group chat fan-out"
                    : "Presence broadcast")
                    + " latency over time (per interval)", "seconds since start", "ms",
                    List.of(series("p50", 0, t, Sample::latencyP50Ms), series("p99", 1, t, Sample::latencyP99Ms),
                            series("max", 3, t, Sample::latencyMaxMs)), null));
        }
        sb.append('\n');
    }

    /** Percentile curves on the log "nines" axis; the maximum of n values sits at 1 - 1/n. */
    static String latencyChart(String title, List<Map.Entry<String, LatencySummary>> curves) {
        List<SvgChart.Series> series = new ArrayList<>();
        double maxX = 2;
        int color = 0;
        for (Map.Entry<String, LatencySummary> c : curves) {
            List<LatencySummary.Point> pts = c.getValue().curve();
            if (pts.isEmpty()) {
                color++;
                continue;
            }
            double[] xs = new double[pts.size()];
            double[] ys = new double[pts.size()];
            double lastX = 0;
            double maxAt = Math.log10(Math.max(1, c.getValue().count()));
            for (int i = 0; i < pts.size(); i++) {
                double p = pts.get(i).percentile();
                xs[i] = p >= 100.0 ? Math.max(lastX, maxAt) : SvgChart.percentileX(p);
                ys[i] = pts.get(i).ms();
                lastX = xs[i];
            }
            maxX = Math.max(maxX, lastX);
            series.add(new SvgChart.Series(c.getKey(), COLORS[color++ % COLORS.length], xs, ys));
        }
        return SvgChart.render(title, "percentile", "ms", series, SvgChart.percentileTicks((int) Math.ceil(maxX)));
    }

    private static SvgChart.Series series(String name, int color, List<Sample> t, ToDoubleFunction<Sample> f) {
        double[] xs = new double[t.size()];
        double[] ys = new double[t.size()];
        for (int i = 0; i < t.size(); i++) {
            xs[i] = t.get(i).seconds();
            ys[i] = f.applyAsDouble(t.get(i));
        }
        return new SvgChart.Series(name, COLORS[color % COLORS.length], xs, ys);
    }

    private static void latencyRow(StringBuilder sb, String name, LatencySummary s) {
        sb.append("<tr><td class='l'>");
        esc(sb, name);
        sb.append("</td><td>").append(s.count()).append("</td>");
        for (double v : new double[] {s.p50Ms(), s.p90Ms(), s.p99Ms(), s.p999Ms(), s.maxMs(), s.meanMs()}) {
            sb.append("<td>").append(num(v)).append("</td>");
        }
        sb.append("</tr>");
    }

    private static void row(StringBuilder sb, String name, String value) {
        sb.append("<tr><th class='l'>");
        esc(sb, name);
        sb.append("</th><td class='l'>");
        esc(sb, value == null ? "" : value);
        sb.append("</td></tr>");
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "-";
    }

    private static void esc(StringBuilder sb, String s) {
        XmlWriter.escapeText(s, sb);
    }
}
