package io.rookery.loadtest;

import java.util.Locale;
import java.util.Map;

/**
 * The machine-readable result file. Times are in milliseconds (latencies) or seconds (elapsed, timeline), rates
 * per second; a value that could not be measured is null. {@code formatVersion} changes when a field changes
 * meaning or goes away; new fields may appear without it.
 */
final class JsonReport {
    static final int FORMAT_VERSION = 1;

    private JsonReport() {}

    static String write(RunResult r) {
        Json j = new Json().beginObject();
        j.field("tool", "rookery-loadtest").field("formatVersion", FORMAT_VERSION);
        j.field("scenario", r.scenario()).field("startedAt", r.startedAt()).field("elapsedSeconds", r.elapsedSeconds());
        j.name("options").beginObject();
        r.options().forEach(j::field);
        j.endObject();
        j.name("notes").beginArray();
        r.notes().forEach(j::value);
        j.endArray();
        j.name("accounts");
        if (r.accounts() == null) {
            j.value((String) null);
        } else {
            accounts(j, r.accounts());
        }
        j.name("rosterSetup");
        if (r.rosterSetup() == null) {
            j.value((String) null);
        } else {
            rosterSetup(j, r.rosterSetup());
        }
        logins(j, r.logins());
        failures(j, r.failures(), r.failureExamples());
        j.name("messages");
        if (r.messages() == null) {
            j.value((String) null);
        } else {
            messages(j, r.messages());
        }
        j.name("presences");
        if (r.presences() == null) {
            j.value((String) null);
        } else {
            presences(j, r.presences());
        }
        j.name("muc");
        if (r.muc() == null) {
            j.value((String) null);
        } else {
            muc(j, r.muc());
        }
        timeline(j, r);
        return j.endObject().toString() + "\n";
    }

    /** {@code failures}: kind to count and the first example seen. */
    private static void failures(Json j, Map<String, Long> counts, Map<String, String> examples) {
        j.name("failures").beginObject();
        for (Map.Entry<String, Long> f : counts.entrySet()) {
            j.name(f.getKey()).beginObject().field("count", f.getValue()).field("example", examples.get(f.getKey()))
                    .endObject();
        }
        j.endObject();
    }

    private static void accounts(Json j, RunResult.Accounts a) {
        j.beginObject();
        j.field("method", a.method()).field("seconds", a.seconds());
        nullable(j, "attempted", a.attempted());
        nullable(j, "created", a.created());
        nullable(j, "existing", a.existing());
        nullable(j, "failed", a.failed());
        failures(j, a.failures(), a.failureExamples());
        latency(j.name("latencyMs"), a.latency());
        j.field("command", a.command());
        nullable(j, "exitStatus", a.exitStatus() == null ? null : (long) a.exitStatus());
        j.endObject();
    }

    private static void rosterSetup(Json j, RunResult.RosterSetup s) {
        j.beginObject();
        j.field("contacts", s.contacts()).field("seconds", s.seconds()).field("loginsOk", s.loginsOk());
        j.field("loginsFailed", s.loginsFailed()).field("subscriptionsSent", s.subscriptionsSent());
        j.field("itemsBothExpected", s.itemsBothExpected()).field("itemsBoth", s.itemsBoth());
        j.name("complete").value(s.complete());
        failures(j, s.failures(), s.failureExamples());
        j.endObject();
    }

    private static void presences(Json j, RunResult.Presences p) {
        j.beginObject();
        j.field("offeredRate", p.offeredRate()).field("sendSeconds", p.sendSeconds()).field("changes", p.changes());
        j.field("achievedRate", p.achievedRate()).field("expected", p.expected()).field("received", p.received());
        j.field("deliveredRate", p.deliveredRate()).field("lost", p.lost()).field("duplicates", p.duplicates());
        j.field("unexpected", p.unexpected());
        latency(j.name("latencyMs"), p.latency());
        j.endObject();
    }

    /**
     * The rooms, the joins, then the measured window's fields at the top level (as {@code messages} has chat's),
     * the step-up's windows and the sustained rate.
     */
    private static void muc(Json j, RunResult.Muc m) {
        j.beginObject();
        j.field("roomSize", m.roomSize()).field("rooms", m.rooms()).field("service", m.service());
        j.field("roomsReady", m.roomsReady()).field("roomsCreated", m.roomsCreated());
        j.field("roomsExisting", m.roomsExisting()).field("roomsFailed", m.roomsFailed());
        j.field("configRetried", m.configRetried()).field("joinsAttempted", m.joinsAttempted());
        j.field("joined", m.joined()).field("joinFailed", m.joinFailed());
        j.name("joinErrors").beginObject();
        m.joinErrors().forEach(j::field);
        j.endObject();
        j.field("joinSeconds", m.joinSeconds());
        latency(j.name("joinLatencyMs"), m.joinLatency());
        mucWindowFields(j, m.measured());
        j.name("errorConditions").beginObject();
        m.errorConditions().forEach(j::field);
        j.endObject();
        j.name("steps").beginArray();
        for (RunResult.MucWindow w : m.steps()) {
            j.beginObject();
            mucWindowFields(j, w);
            j.endObject();
        }
        j.endArray();
        j.field("sustainedRate", m.sustainedRate());
        j.endObject();
    }

    private static void mucWindowFields(Json j, RunResult.MucWindow w) {
        j.field("offeredRate", w.offeredRate()).field("sendSeconds", w.sendSeconds()).field("sent", w.sent());
        j.field("achievedRate", w.achievedRate()).field("expected", w.expected()).field("received", w.received());
        j.field("receivedInWindow", w.receivedInWindow()).field("deliveredRate", w.deliveredRate());
        j.field("lost", w.lost()).field("duplicates", w.duplicates()).field("errors", w.errors());
        latency(j.name("latencyMs"), w.latency());
        latency(j.name("latencyFromDueMs"), w.latencyFromDue());
        j.name("keptUp").value(w.keptUp());
        j.field("verdict", w.verdict());
    }

    private static void nullable(Json j, String name, Long v) {
        if (v == null) {
            j.name(name).value((String) null);
        } else {
            j.field(name, v.longValue());
        }
    }

    private static void logins(Json j, RunResult.Logins l) {
        j.name("logins").beginObject();
        j.field("target", l.target()).field("started", l.started()).field("ok", l.ok()).field("failed", l.failed());
        j.field("droppedAfterLogin", l.dropped()).field("maxSessionsUp", l.maxUp());
        j.field("allEndedAtSeconds", l.allEndedSeconds()).field("ratePerSecond", l.ratePerSecond());
        j.name("latencyMs").beginObject();
        l.phases().forEach((phase, s) -> latency(j.name(phase.name().toLowerCase(Locale.ROOT)), s));
        j.endObject();
        j.endObject();
    }

    private static void messages(Json j, RunResult.Messages m) {
        j.beginObject();
        j.field("offeredRate", m.offeredRate()).field("sendSeconds", m.sendSeconds()).field("sent", m.sent());
        j.field("achievedRate", m.achievedRate()).field("received", m.received());
        j.field("deliveredRate", m.deliveredRate()).field("lost", m.lost()).field("bounced", m.bounced());
        j.name("bounceConditions").beginObject();
        m.bounceConditions().forEach(j::field);
        j.endObject();
        j.field("duplicates", m.duplicates());
        latency(j.name("latencyMs"), m.latency());
        latency(j.name("latencyFromDueMs"), m.latencyFromDue());
        if (m.ackLatency() != null) {
            j.field("acked", m.acked());
            latency(j.name("ackLatencyMs"), m.ackLatency());
        }
        if (m.guarantee() != null) guarantee(j.name("guarantee"), m.guarantee());
        j.endObject();
    }

    private static void guarantee(Json j, RunResult.Guarantee g) {
        j.beginObject();
        j.field("acked", g.acked()).field("delivered", g.delivered()).field("ackedNotDelivered", g.ackedNotDelivered());
        j.name("archiveChecked").value(g.archiveChecked());
        if (g.archiveChecked()) {
            j.field("archiveUsers", g.archiveUsers()).field("archiveRead", g.archiveRead());
            j.field("archived", g.archived()).field("ackedNotArchived", g.ackedNotArchived());
        }
        j.field("ackedLost", g.ackedLost());
        j.name("ackedLostExamples").beginArray();
        for (long seq : g.ackedLostExamples()) j.value(seq);
        j.endArray();
        j.name("ackedNotDeliveredExamples").beginArray();
        for (long seq : g.ackedNotDeliveredExamples()) j.value(seq);
        j.endArray();
        j.field("sentNotAcked", g.sentNotAcked()).field("resent", g.resent()).field("disconnects", g.disconnects());
        j.field("resumed", g.resumed()).field("resumeFailed", g.resumeFailed()).field("rebound", g.rebound());
        j.field("gaveUp", g.gaveUp());
        latency(j.name("resumeLatencyMs"), g.resumeLatency());
        latency(j.name("reboundLatencyMs"), g.reboundLatency());
        j.endObject();
    }

    /** count, min, mean, p50, p90, p99, p99_9, max, and the percentile curve as [percentile, ms] pairs. */
    static void latency(Json j, LatencySummary s) {
        j.beginObject();
        j.field("count", s.count()).field("min", s.minMs()).field("mean", s.meanMs()).field("p50", s.p50Ms());
        j.field("p90", s.p90Ms()).field("p99", s.p99Ms()).field("p99_9", s.p999Ms()).field("max", s.maxMs());
        j.name("percentiles").beginArray();
        for (LatencySummary.Point p : s.curve()) {
            j.beginArray().value(p.percentile()).value(p.ms()).endArray();
        }
        j.endArray();
        j.endObject();
    }

    private static void timeline(Json j, RunResult r) {
        j.name("timeline").beginArray();
        for (Sample s : r.timeline()) {
            j.beginObject();
            j.field("t", s.seconds()).field("sessionsUp", s.sessionsUp()).field("loginsOk", s.loginsOk());
            j.field("loginsFailed", s.loginsFailed()).field("dropped", s.dropped()).field("sent", s.sent());
            j.field("received", s.received()).field("bounced", s.bounced());
            j.field("loginsPerSecond", s.loginsPerSecond()).field("sentPerSecond", s.sentPerSecond());
            j.field("receivedPerSecond", s.receivedPerSecond()).field("latencyP50Ms", s.latencyP50Ms());
            j.field("latencyP99Ms", s.latencyP99Ms()).field("latencyMaxMs", s.latencyMaxMs());
            j.endObject();
        }
        j.endArray();
    }
}
