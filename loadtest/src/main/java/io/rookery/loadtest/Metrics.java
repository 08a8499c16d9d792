package io.rookery.loadtest;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * Counters and latency recorders shared by the I/O threads (writers) and the reporter (reader). Latencies are
 * recorded in microseconds; anything above an hour is clamped to an hour.
 */
final class Metrics {
    static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    static final int DIGITS = 3;

    /**
     * The phases of one login, each from the end of the previous one; TOTAL is connect to online. ROSTER (roster
     * get to its result) and PRESENCES (initial presence to the presence of every contact online) follow a login
     * in the presence-churn and roster scenarios.
     */
    enum Phase { CONNECT, TLS, AUTH, BIND, TOTAL, ROSTER, PRESENCES }

    final long startNanos = System.nanoTime();

    final LongAdder loginsStarted = new LongAdder();
    final LongAdder loginsOk = new LongAdder();
    final LongAdder loginsFailed = new LongAdder();
    /** Sessions that failed or were closed by the server after they were online. */
    final LongAdder dropped = new LongAdder();
    final AtomicInteger sessionsUp = new AtomicInteger();
    final AtomicInteger maxUp = new AtomicInteger();
    final AtomicLong firstLoginStartNanos = new AtomicLong(Long.MIN_VALUE);
    final AtomicLong lastLoginOkNanos = new AtomicLong(Long.MIN_VALUE);

    final LongAdder sent = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder bounced = new LongAdder();
    final SeenSet seen = new SeenSet();

    // presence-churn: sent counts presence changes, received the broadcasts that arrived at a contact.
    /** Broadcasts the changes sent should cause: the sender's contacts available when it changed. */
    final LongAdder presenceExpected = new LongAdder();
    /**
     * presence-churn with --csi-inactive-every: bytes and stanzas received from the churn's start by inactive and by
     * active sessions, and by the inactive ones after they said they were active again (what was held for them).
     */
    final LongAdder csiInactiveBytes = new LongAdder();
    final LongAdder csiInactiveStanzas = new LongAdder();
    final LongAdder csiActiveBytes = new LongAdder();
    final LongAdder csiActiveStanzas = new LongAdder();
    final LongAdder csiWakeBytes = new LongAdder();
    final LongAdder csiWakeStanzas = new LongAdder();
    final LongAdder csiInactiveSessions = new LongAdder();
    /** Broadcasts of ours that reached a user who is not a contact of the sender. */
    final LongAdder presenceUnexpected = new LongAdder();

    // presence-churn and roster: the roster and presences steps after a login.
    /** Sessions whose steps are over: done, failed, timed out, or the session ended first. */
    final LongAdder stepsEnded = new LongAdder();

    // muc: sent counts groupchat messages, received their deliveries (each message once per occupant, the sender's
    // own copy included), bounced the messages a room refused with an error.
    /** Deliveries the messages sent should cause: the room's occupants when each was sent. */
    final LongAdder mucExpected = new LongAdder();
    /** Users asked to join (creators included), and how their joins ended. */
    final LongAdder mucJoinsAsked = new LongAdder();
    final LongAdder mucJoined = new LongAdder();
    final LongAdder mucJoinFailed = new LongAdder();
    /** Rooms the server created for their creator (status 201), and rooms the creator found there already. */
    final LongAdder mucRoomsCreated = new LongAdder();
    final LongAdder mucRoomsExisting = new LongAdder();
    /** Creators whose configuration form was refused and who submitted an empty one instead. */
    final LongAdder mucConfigRetried = new LongAdder();
    /** From the join presence to the self-presence (status 110). */
    final Recorder mucJoinLatency = new Recorder(HIGHEST_MICROS, DIGITS);
    /** Fan-out latency, read per phase (the measured window, each step of the step-up) by the runner. */
    final Recorder mucLatency = new Recorder(HIGHEST_MICROS, DIGITS);
    final Recorder mucLatencyFromDue = new Recorder(HIGHEST_MICROS, DIGITS);

    // --create=ibr: a login counted ok is a registration that ended well.
    final LongAdder accountsCreated = new LongAdder();
    final LongAdder accountsExisting = new LongAdder();

    // Roster setup round.
    final LongAdder rostersLoaded = new LongAdder();
    final LongAdder subscriptionsSent = new LongAdder();
    /** Roster items of ring contacts with subscription 'both', over all sessions (each mutual pair twice). */
    final AtomicLong itemsBoth = new AtomicLong();

    private final Recorder[] phases = new Recorder[Phase.values().length];
    final Recorder messageLatency = new Recorder(HIGHEST_MICROS, DIGITS);
    /** The same messages timed from when the pacer meant them to leave: the generator's own lateness included. */
    final Recorder messageLatencyFromDue = new Recorder(HIGHEST_MICROS, DIGITS);
    /** XEP-0198 (--sm=on): from a chat message's write to the server's acknowledgement of it. */
    final Recorder ackLatency = new Recorder(HIGHEST_MICROS, DIGITS);
    final LongAdder acked = new LongAdder();
    /** Every message the server acknowledged, by sequence number. */
    final SeenSet ackedSeqs = new SeenSet();
    /** Messages written again: after a resumption, past the server's count; after a refusal, all unacknowledged. */
    final LongAdder resent = new LongAdder();

    // --reconnect=on: drops and what followed them.
    final LongAdder disconnects = new LongAdder();
    final LongAdder resumed = new LongAdder();
    final LongAdder resumeFailed = new LongAdder();
    final LongAdder rebound = new LongAdder();
    final LongAdder gaveUp = new LongAdder();
    /** From the drop to {@code <resumed/>}, and to online again when the server refused to resume. */
    final Recorder resumeLatency = new Recorder(HIGHEST_MICROS, DIGITS);
    final Recorder reboundLatency = new Recorder(HIGHEST_MICROS, DIGITS);

    // --check-archive=on
    final SeenSet archivedSeqs = new SeenSet();
    final LongAdder archiveQueried = new LongAdder();
    final LongAdder archiveRead = new LongAdder();
    final LongAdder archiveFailed = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> failureExamples = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> bounceConditions = new ConcurrentHashMap<>();

    Metrics() {
        for (int i = 0; i < phases.length; i++) phases[i] = new Recorder(HIGHEST_MICROS, DIGITS);
    }

    Recorder phase(Phase p) {
        return phases[p.ordinal()];
    }

    void loginStarted(long nowNanos) {
        loginsStarted.increment();
        firstLoginStartNanos.compareAndSet(Long.MIN_VALUE, nowNanos);
    }

    void phaseDone(Phase p, long nanos) {
        record(phases[p.ordinal()], nanos);
    }

    void loginOk(long startNanos, long nowNanos) {
        record(phases[Phase.TOTAL.ordinal()], nowNanos - startNanos);
        loginsOk.increment();
        lastLoginOkNanos.accumulateAndGet(nowNanos, Math::max);
        int up = sessionsUp.incrementAndGet();
        maxUp.accumulateAndGet(up, Math::max);
    }

    /** A login that did not reach bound-and-online; kind is a short stable key such as {@code sasl:not-authorized}. */
    void loginFailed(String kind, String detail) {
        loginsFailed.increment();
        count(kind, detail);
    }

    /** An online session that ended before we closed it. */
    void sessionDropped(String kind, String detail) {
        sessionsUp.decrementAndGet();
        dropped.increment();
        count("dropped:" + kind, detail);
    }

    void sessionClosed() {
        sessionsUp.decrementAndGet();
    }

    void messageSent() {
        sent.increment();
    }

    /** A message of ours arrived; sentNanos is the System.nanoTime() its sender wrote into the body. */
    void messageReceived(long seq, long sentNanos, long nowNanos) {
        messageReceived(seq, sentNanos, 0, nowNanos);
    }

    /**
     * A message of ours arrived that its sender wrote lateNanos after it was due; latency from the write goes to
     * {@link #messageLatency}, from when it was due to {@link #messageLatencyFromDue}.
     */
    void messageReceived(long seq, long sentNanos, long lateNanos, long nowNanos) {
        if (seen.add(seq)) {
            received.increment();
            record(messageLatency, nowNanos - sentNanos);
            record(messageLatencyFromDue, nowNanos - sentNanos + Math.max(0, lateNanos));
        } else {
            duplicates.increment();
        }
    }

    /** A groupchat message sent to a room that has this many occupants (its sender included). */
    void groupchatSent(int occupants) {
        sent.increment();
        mucExpected.add(occupants);
    }

    /**
     * A groupchat message of ours reached an occupant; key tells (message, occupant) apart. Latency from the write
     * and, with the sender's lateness, from when it was due.
     */
    void groupchatReceived(long key, long sentNanos, long lateNanos, long nowNanos) {
        if (seen.add(key)) {
            received.increment();
            record(messageLatency, nowNanos - sentNanos);
            record(mucLatency, nowNanos - sentNanos);
            record(mucLatencyFromDue, nowNanos - sentNanos + Math.max(0, lateNanos));
        } else {
            duplicates.increment();
        }
    }

    /** A user's self-presence arrived nanos after its join presence went out. */
    void roomJoined(long nanos) {
        mucJoined.increment();
        record(mucJoinLatency, nanos);
    }

    /** A user that will not take part in the room: refused, timed out, or its room was never created. */
    void roomJoinFailed(String kind, String detail) {
        mucJoinFailed.increment();
        count(kind, detail);
    }

    /** A presence change sent; expectedBroadcasts is how many available contacts should see it. */
    void presenceChanged(int expectedBroadcasts) {
        sent.increment();
        presenceExpected.add(expectedBroadcasts);
    }

    /** XEP-0077 registration ended well: created, or the user existed already (conflict). */
    void registered(boolean created) {
        (created ? accountsCreated : accountsExisting).increment();
        loginsOk.increment();
    }

    /** A roster or presences step that went wrong, counted by kind; the session stays online. */
    void stepFailed(String kind, String detail) {
        count(kind, detail);
    }

    void messageBounced(String condition) {
        bounced.increment();
        bounceConditions.computeIfAbsent(condition, k -> new LongAdder()).increment();
    }

    /** An unexpected exception outside any one session's handling; counted so that a run shows it. */
    void clientError(RuntimeException e) {
        count("client-error:" + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
    }

    long failureCount() {
        return loginsFailed.sum() + dropped.sum();
    }

    /** Failure kinds and their counts, sorted by kind. */
    Map<String, Long> failures() {
        return snapshot(failures);
    }

    /** The first detail seen for each failure kind (an exception message, a stream error text). */
    Map<String, String> failureExamples() {
        return new TreeMap<>(failureExamples);
    }

    Map<String, Long> bounceConditions() {
        return snapshot(bounceConditions);
    }

    private void count(String kind, String detail) {
        failures.computeIfAbsent(kind, k -> new LongAdder()).increment();
        if (detail != null && !detail.isEmpty()) failureExamples.putIfAbsent(kind, detail);
    }

    private static Map<String, Long> snapshot(ConcurrentHashMap<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** The server acknowledged chat message seq, first written at sentNanos (XEP-0198). */
    void messageAcked(long seq, long sentNanos, long nowNanos) {
        acked.increment();
        ackedSeqs.add(seq);
        record(ackLatency, nowNanos - sentNanos);
    }

    /** An online session the server dropped, which connects again (--reconnect=on). */
    void disconnected(String kind, String detail) {
        sessionsUp.decrementAndGet();
        disconnects.increment();
        count("disconnect:" + kind, detail);
    }

    /** A connection after a drop that failed before it was online; the user tries again or gives up. */
    void reconnectFailed(String kind, String detail, boolean givingUp) {
        count("reconnect-failed:" + kind, detail);
        if (givingUp) gaveUp.increment();
    }

    /** A dropped session is online again: resumed, or bound afresh after the server refused to resume. */
    void backOnline(boolean resumed, long droppedAtNanos, long nowNanos) {
        int up = sessionsUp.incrementAndGet();
        maxUp.accumulateAndGet(up, Math::max);
        (resumed ? this.resumed : rebound).increment();
        record(resumed ? resumeLatency : reboundLatency, nowNanos - droppedAtNanos);
    }

    /** The server answered a resumption with {@code <failed/>}. */
    void resumeRefused(String condition) {
        resumeFailed.increment();
        count("resume-failed:" + condition, null);
    }

    /** A message of ours found in its recipient's archive (--check-archive=on). */
    void archived(long seq) {
        archivedSeqs.add(seq);
    }

    private static void record(Recorder r, long nanos) {
        long micros = Math.max(0, nanos / 1000);
        r.recordValue(Math.min(micros, HIGHEST_MICROS));
    }
}
