package io.rookery.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The JSON file, the HTML page and the text summary, from one fixed result. */
class ReportTest {

    @Test
    void jsonCarriesEveryFieldWithItsValue() {
        Object json = MiniJson.parse(JsonReport.write(result()));

        assertEquals("rookery-loadtest", MiniJson.at(json, "tool"));
        assertEquals(1.0, MiniJson.at(json, "formatVersion"));
        assertEquals("chat", MiniJson.at(json, "scenario"));
        assertEquals(12.5, MiniJson.at(json, "elapsedSeconds"));
        assertEquals("user\"%d", MiniJson.at(json, "options", "user"));
        assertEquals("a note with <markup> & a\nline break", MiniJson.at(json, "notes", 0));
        assertEquals(10.0, MiniJson.at(json, "logins", "target"));
        assertEquals(9.0, MiniJson.at(json, "logins", "ok"));
        assertEquals(1.0, MiniJson.at(json, "logins", "failed"));
        assertEquals(2.25, MiniJson.at(json, "logins", "allEndedAtSeconds"));
        assertEquals(100.0, MiniJson.at(json, "logins", "latencyMs", "total", "count"));
        assertNull(MiniJson.at(json, "logins", "latencyMs", "tls", "p50"), "nothing measured is null");
        assertEquals(1.0, MiniJson.at(json, "failures", "sasl:not-authorized", "count"));
        assertEquals("authentication failed", MiniJson.at(json, "failures", "sasl:not-authorized", "example"));
        assertEquals(1000.0, MiniJson.at(json, "messages", "sent"));
        assertEquals(998.0, MiniJson.at(json, "messages", "received"));
        assertEquals(2.0, MiniJson.at(json, "messages", "lost"));
        assertEquals(1.0, MiniJson.at(json, "messages", "bounceConditions", "service-unavailable"));
        assertEquals(500.0, (Double) MiniJson.at(json, "messages", "latencyMs", "p50"), 0.5);
        assertEquals(990.0, (Double) MiniJson.at(json, "messages", "latencyMs", "p99"), 1.0);
        assertEquals(500.0, (Double) MiniJson.at(json, "messages", "latencyFromDueMs", "p50"), 0.5);
        List<?> pair = (List<?>) MiniJson.at(json, "messages", "latencyMs", "percentiles", 0);
        assertEquals(2, pair.size());
        assertEquals(3, ((List<?>) MiniJson.at(json, "timeline")).size());
        assertNull(MiniJson.at(json, "timeline", 0, "latencyP99Ms"));
        assertEquals(400.0, MiniJson.at(json, "timeline", 1, "sentPerSecond"));
    }

    @Test
    void jsonWriterEscapesAndNestsByHand() {
        Json j = new Json().beginObject().field("s", "q\"b\\s\u0001\u2028").name("a").beginArray().value(1)
                .value(0.5).value(Double.NaN).value(true).value((String) null).beginObject().endObject().endArray()
                .field("n", 1e20).endObject();
        assertEquals("{\"s\":\"q\\\"b\\\\s\\u0001\\u2028\",\"a\":[1,0.5,null,true,null,{}],"
                + "\"n\":100000000000000000000}", j.toString());
        assertEquals("0.1235", Json.number(0.123456));
        assertEquals("-3", Json.number(-3.0));
    }

    @Test
    void htmlIsSelfContainedWithTheCharts() {
        String html = HtmlReport.write(result());

        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(Pattern.compile("(src|href)=").matcher(html).find(), "no external resources");
        assertEquals(5, count(html, "<svg "), "two latency charts, throughput, sessions, latency over time");
        assertTrue(html.contains("Message end-to-end latency by percentile"));
        assertTrue(html.contains("Throughput over time"));
        assertTrue(html.contains("a note with &lt;markup&gt; &amp; a"), "text is escaped");
        assertTrue(html.contains(">99.9%<"), "percentile axis reaches 99.9% for 1000 values");
        assertTrue(html.contains("sasl:not-authorized"));
        // The throughput chart breaks no line; the latency-over-time chart has a gap where no message arrived.
        assertTrue(count(html, "<polyline") >= 8, html);
    }

    @Test
    void textSummaryNamesTheNumbers() {
        String text = TextSummary.write(result());
        assertTrue(text.contains("logins: 9 of 10 ok, 1 failed, 0 dropped after login; peak 9 sessions up"), text);
        assertTrue(text.contains("messages: offered 100.0/s, sent 1000 in 10.0s (100.0/s), received 998"), text);
        assertTrue(text.contains("lost 2, bounced with an error 1"), text);
        assertTrue(text.contains("sasl:not-authorized"), text);
        assertTrue(text.contains("note: a note with <markup>"), text);
    }

    @Test
    void chartsPlaceTicksAndBreakLinesAtMissingValues() {
        assertEquals(1.0, SvgChart.niceStep(0.7));
        assertEquals(2.0, SvgChart.niceStep(1.3));
        assertEquals(50.0, SvgChart.niceStep(33));
        assertEquals(0.0, SvgChart.percentileX(0), 1e-9);
        assertEquals(2.0, SvgChart.percentileX(99), 1e-9);
        assertEquals(List.of("0%", "90%", "99%", "99.9%"),
                SvgChart.percentileTicks(3).stream().map(SvgChart.Tick::label).toList());
        String svg = SvgChart.render("t", "x", "y", List.of(new SvgChart.Series("s", "#000",
                new double[] {0, 1, 2, 3, 4}, new double[] {1, 2, Double.NaN, 3, 4})), null);
        assertEquals(2, count(svg, "<polyline"));
        assertTrue(SvgChart.render("t", "x", "y", List.of(), null).contains("no data"));
    }

    @Test
    void presenceChurnAccountsAndRosterSetupAreInEveryView() {
        RunResult r = churnResult();
        Object json = MiniJson.parse(JsonReport.write(r));

        assertEquals("ibr", MiniJson.at(json, "accounts", "method"));
        assertEquals(7.0, MiniJson.at(json, "accounts", "created"));
        assertEquals(3.0, MiniJson.at(json, "accounts", "existing"));
        assertEquals(1.0, MiniJson.at(json, "accounts", "failed"));
        assertEquals(1.0, MiniJson.at(json, "accounts", "failures", "register:not-allowed", "count"));
        assertNull(MiniJson.at(json, "accounts", "command"));
        assertEquals(40.0, MiniJson.at(json, "rosterSetup", "contacts"));
        assertEquals(Boolean.FALSE, MiniJson.at(json, "rosterSetup", "complete"));
        assertEquals(7990.0, MiniJson.at(json, "rosterSetup", "itemsBoth"));
        assertEquals(2000.0, MiniJson.at(json, "presences", "changes"));
        assertEquals(80000.0, MiniJson.at(json, "presences", "expected"));
        assertEquals(79990.0, MiniJson.at(json, "presences", "received"));
        assertEquals(10.0, MiniJson.at(json, "presences", "lost"));
        assertEquals(2.0, MiniJson.at(json, "presences", "unexpected"));
        assertEquals(1000.0, MiniJson.at(json, "presences", "latencyMs", "count"));
        assertEquals(200.0, MiniJson.at(json, "logins", "latencyMs", "presences", "count"));
        assertNull(MiniJson.at(json, "messages"));

        String text = TextSummary.write(r);
        assertTrue(text.contains("accounts (XEP-0077): 11 registrations in 2.0s: 7 created, 3 existing, 1 failed"),
                text);
        assertTrue(text.contains("register:not-allowed"), text);
        assertTrue(text.contains("roster setup: 40 contacts each, 7990 of 8000 roster items both (INCOMPLETE)"), text);
        assertTrue(text.contains("presence changes: offered 100.0/s, sent 2000 in 20.0s (100.0/s)"), text);
        assertTrue(text.contains("broadcasts: expected 80000, received 79990 (3999.5/s), lost 10, duplicates 0,"
                + " to non-contacts 2"), text);
        assertTrue(text.contains("  roster "), "the roster phase has a row: " + text);
        assertTrue(text.contains("  presences "), "the presences phase has a row: " + text);

        String html = HtmlReport.write(r);
        assertTrue(html.contains("<h2>Accounts</h2>"));
        assertTrue(html.contains("<h2>Roster setup</h2>"));
        assertTrue(html.contains("<h2>Presence broadcasts</h2>"));
        assertTrue(html.contains("Presence broadcast latency by percentile"));
        assertTrue(html.contains("Presence broadcast latency over time"));
        assertFalse(html.contains("<script"));
    }

    @Test
    void anAccountCommandShowsItsCommandAndStatus() {
        RunResult.Accounts a = new RunResult.Accounts("command", 1.5, null, null, null, null, Map.of(), Map.of(),
                LatencySummary.EMPTY, "make-users 'load%d' '(password)'", 0);
        RunResult c = result();
        RunResult r = new RunResult(c.scenario(), c.options(), c.startedAt(), c.elapsedSeconds(), c.notes(), a, null,
                c.logins(), c.messages(), null, c.failures(), c.failureExamples(), c.timeline());
        Object json = MiniJson.parse(JsonReport.write(r));
        assertEquals("command", MiniJson.at(json, "accounts", "method"));
        assertEquals(0.0, MiniJson.at(json, "accounts", "exitStatus"));
        assertNull(MiniJson.at(json, "accounts", "created"));
        assertEquals("make-users 'load%d' '(password)'", MiniJson.at(json, "accounts", "command"));
        assertTrue(TextSummary.write(r).contains("accounts: created by the command in 1.5s (exit status 0):"
                + " make-users 'load%d' '(password)'"));
        assertTrue(HtmlReport.write(r).contains("make-users"));
    }

    @Test
    void mucRoomsJoinsWindowsAndStepsAreInEveryView() {
        Histogram latency = new Histogram(Metrics.HIGHEST_MICROS, Metrics.DIGITS);
        for (int i = 1; i <= 1000; i++) latency.recordValue(i * 100L);
        LatencySummary l = LatencySummary.of(latency);
        RunResult.MucWindow measured = new RunResult.MucWindow(20, 60, 1200, 20, 120000, 119990, 119000, 1983.3, 10,
                0, 1, l, l, true, "ok");
        RunResult.MucWindow step1 = new RunResult.MucWindow(40, 20, 800, 40, 80000, 80000, 79900, 3995, 0, 0, 0, l, l,
                true, "ok");
        RunResult.MucWindow step2 = new RunResult.MucWindow(80, 20, 1600, 80, 160000, 100000, 90000, 4500, 60000, 0,
                0, l, l, false, "behind: 100000 of 160000 deliveries after the drain");
        RunResult.Muc muc = new RunResult.Muc(100, 10, "conference.localhost", 10, 9, 1, 0, 2, 1000, 998, 2,
                Map.of("muc-join:service-unavailable", 2L), 4.5, l, measured, Map.of("resource-constraint", 1L),
                List.of(step1, step2), 40);
        RunResult c = result();
        Map<String, String> options = new LinkedHashMap<>(c.options());
        options.put("scenario", "muc");
        RunResult r = new RunResult("muc", options, c.startedAt(), 200, List.of(), null, null, c.logins(), null,
                null, Map.of("muc-join:service-unavailable", 2L), Map.of(), c.timeline(), muc);

        Object json = MiniJson.parse(JsonReport.write(r));
        assertNull(MiniJson.at(json, "messages"));
        assertEquals(100.0, MiniJson.at(json, "muc", "roomSize"));
        assertEquals(9.0, MiniJson.at(json, "muc", "roomsCreated"));
        assertEquals(1.0, MiniJson.at(json, "muc", "roomsExisting"));
        assertEquals(2.0, MiniJson.at(json, "muc", "configRetried"));
        assertEquals(998.0, MiniJson.at(json, "muc", "joined"));
        assertEquals(2.0, MiniJson.at(json, "muc", "joinErrors", "muc-join:service-unavailable"));
        assertEquals(1000.0, MiniJson.at(json, "muc", "joinLatencyMs", "count"));
        assertEquals(1200.0, MiniJson.at(json, "muc", "sent"));
        assertEquals(120000.0, MiniJson.at(json, "muc", "expected"));
        assertEquals(119000.0, MiniJson.at(json, "muc", "receivedInWindow"));
        assertEquals(1983.3, MiniJson.at(json, "muc", "deliveredRate"));
        assertEquals(1.0, MiniJson.at(json, "muc", "errorConditions", "resource-constraint"));
        assertEquals(Boolean.TRUE, MiniJson.at(json, "muc", "keptUp"));
        assertEquals(80.0, MiniJson.at(json, "muc", "steps", 1, "offeredRate"));
        assertEquals(Boolean.FALSE, MiniJson.at(json, "muc", "steps", 1, "keptUp"));
        assertEquals(40.0, MiniJson.at(json, "muc", "sustainedRate"));

        String text = TextSummary.write(r);
        assertTrue(text.contains("group chat: 10 rooms of 100 at conference.localhost: 10 ready (9 created, 1 found"
                + " there), 0 failed; configuration retried empty 2"), text);
        assertTrue(text.contains("joins: 998 of 1000 users in their room, 2 not, in 4.5s"), text);
        assertTrue(text.contains("deliveries expected 120000, received 119990, 119000 in the window (1983.3/s)"), text);
        assertTrue(text.contains("lost 10, duplicates 0, errors 1 {resource-constraint=1}"), text);
        assertTrue(text.contains("step 80.0/s: sent 1600 (80.0/s), deliveries 100000 of 160000 (4500.0/s)"), text);
        assertTrue(text.contains("sustained: 40.0 messages/s, 3995 deliveries/s"), text);

        String html = HtmlReport.write(r);
        assertTrue(html.contains("<h2>Group chat</h2>"));
        assertTrue(html.contains("Group chat fan-out latency by percentile"));
        assertTrue(html.contains("Group chat fan-out latency over time"));
        assertTrue(html.contains("deliveries received/s"));
        assertFalse(html.contains("<script"));
    }

    /** presence-churn with accounts registered and an incomplete roster setup: fixed numbers. */
    static RunResult churnResult() {
        Histogram latency = new Histogram(Metrics.HIGHEST_MICROS, Metrics.DIGITS);
        for (int i = 1; i <= 1000; i++) latency.recordValue(i * 100L);
        Histogram login = new Histogram(Metrics.HIGHEST_MICROS, Metrics.DIGITS);
        for (int i = 1; i <= 200; i++) login.recordValue(i * 300L);
        Map<Metrics.Phase, LatencySummary> phases = new EnumMap<>(Metrics.Phase.class);
        for (Metrics.Phase p : Metrics.Phase.values()) phases.put(p, LatencySummary.of(login));
        RunResult c = result();
        Map<String, String> options = new LinkedHashMap<>(c.options());
        options.put("scenario", "presence-churn");
        return new RunResult("presence-churn", options, c.startedAt(), 40, List.of(),
                new RunResult.Accounts("ibr", 2, 11L, 7L, 3L, 1L, Map.of("register:not-allowed", 1L),
                        Map.of("register:not-allowed", "no"), LatencySummary.of(login), null, null),
                new RunResult.RosterSetup(40, 12, 200, 0, 4000, 8000, 7990, false, Map.of(), Map.of()),
                new RunResult.Logins(200, 200, 200, 0, 0, 200, 3, 66, phases), null,
                new RunResult.Presences(100, 20, 2000, 100, 80000, 79990, 3999.5, 10, 0, 2, LatencySummary.of(latency)),
                Map.of(), Map.of(), c.timeline());
    }

    private static int count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    /** A chat run with fixed numbers: 1000 messages of 1..1000 ms, one failed login. */
    static RunResult result() {
        Histogram latency = new Histogram(Metrics.HIGHEST_MICROS, Metrics.DIGITS);
        for (int ms = 1; ms <= 1000; ms++) latency.recordValue(ms * 1000L);
        Histogram login = new Histogram(Metrics.HIGHEST_MICROS, Metrics.DIGITS);
        for (int i = 1; i <= 100; i++) login.recordValue(i * 300L);
        Map<Metrics.Phase, LatencySummary> phases = new EnumMap<>(Metrics.Phase.class);
        for (Metrics.Phase p : Metrics.Phase.values()) {
            phases.put(p, p == Metrics.Phase.TLS ? LatencySummary.EMPTY : LatencySummary.of(login));
        }
        Map<String, String> options = new LinkedHashMap<>();
        options.put("scenario", "chat");
        options.put("host", "127.0.0.1");
        options.put("port", "5222");
        options.put("domain", "localhost");
        options.put("user", "user\"%d");
        options.put("mechanism", "SCRAM-SHA-256");
        options.put("tls", "off");
        options.put("rate", "100");
        List<Sample> timeline = List.of(
                new Sample(1, 5, 5, 0, 0, 0, 0, 0, 5, 0, 0, Double.NaN, Double.NaN, Double.NaN),
                new Sample(2, 9, 9, 1, 0, 400, 398, 0, 4, 400, 398, 2.0, 9.0, 12.0),
                new Sample(3, 9, 9, 1, 0, 1000, 998, 1, 0, 600, 600, 3.0, 10.0, 15.5));
        return new RunResult("chat", options, "2026-11-24T10:00:00Z", 12.5,
                List.of("a note with <markup> & a\nline break"), null, null,
                new RunResult.Logins(10, 10, 9, 1, 0, 9, 2.25, 4.5, phases),
                new RunResult.Messages(100, 10, 1000, 100, 998, 99.8, 2, 1, Map.of("service-unavailable", 1L), 0,
                        LatencySummary.of(latency), LatencySummary.of(latency), 995, LatencySummary.of(latency), null), null,
                Map.of("sasl:not-authorized", 1L), Map.of("sasl:not-authorized", "authentication failed"), timeline);
    }
}
