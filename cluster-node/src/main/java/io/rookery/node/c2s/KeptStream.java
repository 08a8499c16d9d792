package io.rookery.node.c2s;

import io.rookery.node.ext.ResourceFlags;
import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.UserEntity;
import io.rookery.persistence.sm.StreamOutbox;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * XEP-0198 resumption after a node loss, the session's side: a resumable stream is written to Cassandra
 * ({@link StreamOutbox}) ahead of the client. Each message is written under its count on the stream before its
 * bytes go to the client, the count of stanzas handled before an {@code <a h/>} reports it, and the presence and
 * flags when they change; whatever the session writes to the client meanwhile waits behind that write, in order
 * (parsing the client's next element does not). One write is on its way at a time and the next takes everything
 * that queued behind it, so a busy stream costs a write per batch, not per message. Messages whose senders wait for
 * their confirmation ({@link SessionProtocol.DeliverKept}) are confirmed once their write is done.
 */
final class KeptStream {
    /** A write of the stream ended. */
    record Written(Throwable failure) implements SessionActor.Local {}

    private record Confirmation(ActorRef<SessionProtocol.Message> to, long token) {}

    /** What one step of the session produced, waiting for the write that covers it. */
    private record Held(ConnectionStage.Out out, List<Confirmation> confirmations) {}

    /** Attempts at one write before what waits for it goes on without it (counted and logged). */
    static final int MAX_ATTEMPTS = 3;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KeptStream.class);

    private final StreamOutbox outbox;
    private final String smId;
    private final String jid;
    private final String resource;
    private final String owner;
    /** Messages logged since the last write started, oldest first; null when none. */
    private List<StreamOutbox.Entry> entries;
    /** This step's confirmations; null when none. */
    private List<Confirmation> confirmations;
    /** Rows above this count go first (a resumed stream numbers what it sends again afresh); -1: none. */
    private long clearAbove;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    /** How many of the held steps the write on its way covers. */
    private int covered;
    private boolean inFlight;
    /** Something held waits for a write that has not started. */
    private boolean dirty;
    private long startedHandled = -1;
    private Element startedPresence;
    private int startedFlags = -1;
    private Element presenceOf;
    private String presenceXml;
    private List<StreamOutbox.Entry> inFlightEntries;
    private long inFlightClear = -1;
    private int attempts;
    /** The stream went on in a new session: this one's writes still finish, and confirm, but write nothing out. */
    boolean handedOver;

    private KeptStream(StreamOutbox outbox, String smId, String jid, String resource, String owner, long clearAbove) {
        this.outbox = outbox;
        this.smId = smId;
        this.jid = jid;
        this.resource = resource;
        this.owner = owner;
        this.clearAbove = clearAbove;
    }

    /**
     * The session's stream is kept from now on (enabled, or resumed: clearAbove is then the client's count, past
     * which rows are numbered afresh). The account learns it, so that senders' confirmations come from here; the
     * node's record of the session names the stream, for the survivor that cleans up after a crash.
     */
    static void begin(SessionActor s, long clearAbove, boolean tellAccount) {
        StreamOutbox outbox = s.services.streamOutbox();
        if (outbox == null || s.full == null) return;
        String id = s.extension.resumptionId();
        s.kept = new KeptStream(outbox, id, s.full.bare().toString(), s.full.resource(),
                SessionProtocol.ownerOf(s.context.getSelf()), clearAbove);
        s.resourceFlags |= ResourceFlags.KEPT;
        if (tellAccount) s.services.router().user(s.user).tell(new UserEntity.StreamKept(s.full.resource()));
        if (s.services.onlineSessions() != null) s.services.onlineSessions().resumable(s.full, s.onlineBucket, id);
    }

    /** A message written to the client under its count on the stream. */
    void logged(long seq, Element message) {
        if (entries == null) entries = new ArrayList<>(4);
        entries.add(new StreamOutbox.Entry(seq, StoredXml.write(message)));
    }

    /** The message the session just logged is confirmed to its sender once written. */
    void confirmWhenKept(ActorRef<SessionProtocol.Message> to, long token) {
        if (confirmations == null) confirmations = new ArrayList<>(2);
        confirmations.add(new Confirmation(to, token));
    }

    /** Whether this step has confirmations to give (with its output, or once the write it waits for is done). */
    boolean confirming() {
        return confirmations != null;
    }

    /** Whether this step changed what must be kept before its output goes out. */
    boolean due(SessionActor s) {
        if (entries != null || clearAbove >= 0) return true;
        if (s.extension == null) return false;
        long ack = s.extension.lastAckSent();
        if (ack >= 0 && ack != startedHandled) return true;
        return s.ownPresence != startedPresence || s.resourceFlags != startedFlags;
    }

    /**
     * The step's output: held (true) when it must wait for a write, its own or one already on its way; false when
     * the session writes it now. due: what {@link #due} said.
     */
    boolean hold(SessionActor s, ConnectionStage.Out out, boolean due) {
        List<Confirmation> confirming = confirmations;
        confirmations = null;
        if (handedOver) due = false;
        if (!due && held.isEmpty()) {
            if (confirming != null) confirm(confirming);
            return false;
        }
        if (out != null && (out.controls() & ConnectionStage.Out.PROCESSED) != 0) {
            // Reading the client's next element does not wait for the write.
            s.writeNow(new ConnectionStage.Out("", ConnectionStage.Out.PROCESSED));
            int rest = out.controls() & ~ConnectionStage.Out.PROCESSED;
            out = out.xml().isEmpty() && rest == 0 ? null : new ConnectionStage.Out(out.xml(), rest, out.messages());
        }
        if (out != null || confirming != null) held.add(new Held(out, confirming));
        if (due) dirty = true;
        if (dirty && !inFlight) start(s);
        return true;
    }

    private void start(SessionActor s) {
        inFlight = true;
        dirty = false;
        covered = held.size();
        inFlightEntries = entries == null ? List.of() : entries;
        entries = null;
        inFlightClear = clearAbove;
        clearAbove = -1;
        startedHandled = s.extension == null ? startedHandled : s.extension.handledCount();
        startedPresence = s.ownPresence;
        startedFlags = s.resourceFlags;
        long acknowledged = s.extension == null ? 0 : s.extension.acknowledgedTotal();
        StreamOutbox.Header header = new StreamOutbox.Header(jid, resource, Math.max(0, startedHandled),
                acknowledged, presenceXml(startedPresence), startedFlags, owner);
        s.context.pipeToSelf(outbox.write(smId, header, inFlightEntries, inFlightClear),
                (v, failure) -> new Written(failure));
    }

    private String presenceXml(Element presence) {
        if (presence != presenceOf) {
            presenceOf = presence;
            presenceXml = presence == null ? null : StoredXml.write(presence);
        }
        return presenceXml;
    }

    /** The write came back: what it covered goes out (or, failed, is written again, a few times). */
    void written(SessionActor s, Written w) {
        inFlight = false;
        if (w.failure() != null) {
            s.metrics.cassandraError("sm-stream-write");
            if (++attempts < MAX_ATTEMPTS && !handedOver) {
                List<StreamOutbox.Entry> again = new ArrayList<>(inFlightEntries);
                if (entries != null) again.addAll(entries);
                entries = again.isEmpty() ? null : again;
                if (clearAbove < 0) clearAbove = inFlightClear;
                startedHandled = -1;
                start(s);
                return;
            }
            LOG.warn("sm-stream-write-failed jid={} attempts={} error={}", jid, attempts, w.failure().toString());
        }
        attempts = 0;
        for (int i = 0; i < covered && !held.isEmpty(); i++) release(s, held.pollFirst());
        covered = 0;
        // A stream handed over is written by its successor now: nothing more from here (its header would name this
        // session again).
        if (dirty && !handedOver) {
            start(s);
        } else {
            while (!held.isEmpty()) release(s, held.pollFirst());
        }
    }

    private static void release(SessionActor s, Held h) {
        ConnectionStage.Out out = h.out();
        if (out != null && s.state == Detached.INSTANCE) {
            // No connection to write to (the stream extension keeps the stanzas); its controls still go.
            out = out.controls() == 0 ? null : new ConnectionStage.Out("", out.controls());
        }
        if (out != null) s.writeNow(out);
        if (h.confirmations() != null) confirm(h.confirmations());
    }

    private static void confirm(List<Confirmation> confirming) {
        for (Confirmation c : confirming) c.to().tell(new SessionProtocol.Handled(c.token()));
    }

    /** The stream ended (its unacknowledged messages went back to the account): nothing of it is kept. */
    void end() {
        outbox.delete(smId).whenComplete((v, failure) -> {
            if (failure != null) LOG.warn("sm-stream-delete-failed jid={} error={}", jid, failure.toString());
        });
    }
}
