package io.rookery.node.ext.sm;

import io.rookery.node.ext.StreamExtension;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.sm.StreamManagement;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One stream's XEP-0198 counters (§4): stanzas handled from the client, and the stanzas written to it that it has
 * not acknowledged, in order. Created on {@code <enable/>}, so both counters start at zero there. The count of
 * stanzas sent is the last acknowledged count plus what is still unacknowledged, so it is never kept apart.
 */
final class StreamAcks implements StreamExtension.State {
    private final StreamManagementSettings settings;
    /** The SM-ID a new stream resumes this one by; null: not resumable. */
    private final String id;
    /** 'h' for the client: stanzas the server has handled, modulo 2^32. */
    private long handled;
    /** The last count of stanzas the client acknowledged, modulo 2^32. */
    private long acknowledged;
    /** The same, not wrapped: the count the stream's kept messages are numbered by. */
    private long acknowledgedTotal;
    /** The 'h' of the last {@code <a/>} or {@code <resumed/>} written, -1 before the first. */
    private long lastAck = -1;
    private final ArrayDeque<Element> unacknowledged = new ArrayDeque<>();
    /** An {@code <r/>} is out and its {@code <a/>} has not come back. */
    private boolean requested;
    /**
     * Stanzas taken whose handling has not ended, oldest first (null until a message waits for its confirmation):
     * 'handled' moves past none of them until the first is done. Stanzas handled at once behind one wait here too,
     * already done, so that the count keeps their order.
     */
    private ArrayDeque<Taken> pending;
    private long nextToken;
    /**
     * A request ({@code <r/>}) came while stanzas were pending: answered once what was taken before the first such
     * request is handled (owedAt: that many pending ahead of it when asked), and again for later ones.
     */
    private boolean owed;
    private int owedAt;
    private int owedLast;

    /** A stanza taken and not yet counted; token -1: handled at once, waiting behind one that is not. */
    private static final class Taken {
        final long token;
        final Element message;
        long since;
        int attempts;
        boolean done;

        Taken(long token, Element message, long since, boolean done) {
            this.token = token;
            this.message = message;
            this.since = since;
            this.done = done;
        }
    }

    /** A message routed again this often without a confirmation is counted as handled all the same. */
    static final int MAX_ATTEMPTS = 3;

    /** The element {@link #portable} writes the state as; never on the wire to clients. */
    static final String PORTABLE_NS = "urn:rookery:sm-state";

    StreamAcks(StreamManagementSettings settings, String id) {
        this.settings = settings;
        this.id = id;
    }

    /** The state {@link #portable} wrote (the settings are this node's). */
    static StreamAcks restore(StreamManagementSettings settings, Element portable) {
        if (!"state".equals(portable.name()) || !PORTABLE_NS.equals(portable.namespace())) {
            throw new IllegalArgumentException("not a stream management state: " + portable.name());
        }
        StreamAcks acks = new StreamAcks(settings, portable.attr("id"));
        acks.handled = Long.parseLong(portable.attr("handled"));
        acks.acknowledged = Long.parseLong(portable.attr("acknowledged"));
        String total = portable.attr("total");
        acks.acknowledgedTotal = total == null ? acks.acknowledged : Long.parseLong(total);
        acks.unacknowledged.addAll(portable.elements());
        return acks;
    }

    /** A stream whose session died with its node, as {@code StreamExtension#recover} describes. */
    static StreamAcks recover(StreamManagementSettings settings, String id, long handled, long acknowledgedTotal) {
        StreamAcks acks = new StreamAcks(settings, id);
        acks.handled = handled & StreamManagement.MAX_COUNT;
        acks.acknowledgedTotal = acknowledgedTotal;
        acks.acknowledged = acknowledgedTotal & StreamManagement.MAX_COUNT;
        return acks;
    }

    /** {@code <resumed previd h/>} for a stream recovered after a node loss (§5), remembered as an acknowledgement. */
    String resumedNow() {
        lastAck = handled;
        return StreamManagement.resumed(id, handled);
    }

    /** The acknowledgement of what is handled now, remembered as the last one written. */
    private String ackNow() {
        lastAck = handled;
        return StreamManagement.ack(handled);
    }

    @Override
    public boolean keptAfterNodeLoss() {
        return id != null && settings.durable();
    }

    @Override
    public long sentTotal() {
        return acknowledgedTotal + unacknowledged.size();
    }

    @Override
    public long acknowledgedTotal() {
        return acknowledgedTotal;
    }

    @Override
    public long handledCount() {
        return handled;
    }

    @Override
    public long lastAckSent() {
        return lastAck;
    }

    @Override
    public String namespace() {
        return StreamManagement.NS;
    }

    @Override
    public StreamExtension.Outcome onElement(Element e) {
        switch (e.name()) {
            case "r":
                if (pending != null && !pending.isEmpty()) {
                    // Answered once what was taken before it is handled (ack-when-stored).
                    if (!owed) owedAt = pending.size();
                    owed = true;
                    owedLast = pending.size();
                    return StreamExtension.Outcome.write("");
                }
                return StreamExtension.Outcome.write(ackNow());
            case "a":
                return ack(e);
            case "enable", "resume":
                // §3: at most one enable per stream; resumption starts a stream, it is never asked for on one.
                return StreamExtension.Outcome.write(StreamManagement.failed(StanzaErrorCondition.UNEXPECTED_REQUEST));
            default:
                return StreamModuleErrors.unsupported();
        }
    }

    private long sent() {
        return (acknowledged + unacknowledged.size()) & StreamManagement.MAX_COUNT;
    }

    /**
     * Drops what the client says it handled; false when that is more than was sent (or an 'h' from before the last
     * ack, which reads as far too many).
     */
    private boolean acknowledge(long h) {
        long count = StreamManagement.between(acknowledged, h);
        if (count > unacknowledged.size()) return false;
        for (long i = 0; i < count; i++) unacknowledged.pollFirst();
        acknowledged = h;
        acknowledgedTotal += count;
        return true;
    }

    private StreamExtension.Outcome ack(Element e) {
        long h = StreamManagement.handled(e);
        if (h < 0) return StreamModuleErrors.badCount();
        long sent = sent();
        if (!acknowledge(h)) {
            return StreamExtension.Outcome.streamError(StreamManagement.handledCountTooHigh(h, sent));
        }
        requested = false;
        // What was written after the request answered is still open: ask again when that is enough to ask for, so
        // it does not wait for the next stanza to be acknowledged (less waits for the sweep, requestAfter).
        if (unacknowledged.size() >= settings.requestAckAfterStanzas()) {
            requested = true;
            return StreamExtension.Outcome.write(StreamManagement.REQUEST);
        }
        return StreamExtension.Outcome.write("");
    }

    @Override
    public void handled() {
        if (pending != null && !pending.isEmpty()) {
            pending.addLast(new Taken(-1, null, 0, true));
        } else {
            handled = StreamManagement.increment(handled);
        }
    }

    @Override
    public long handledLater(Element message) {
        if (!settings.ackWhenStored()) {
            handled();
            return -1;
        }
        if (pending == null) pending = new ArrayDeque<>(4);
        long token = nextToken++;
        pending.addLast(new Taken(token, message, System.nanoTime(), false));
        return token;
    }

    @Override
    public String confirmed(long token) {
        if (pending == null) return "";
        for (Taken t : pending) {
            if (t.token == token) {
                t.done = true;
                break;
            }
        }
        return drain();
    }

    /** Counts the handled stanzas at the head; returns the acknowledgement a request waited for, if now due. */
    private String drain() {
        int counted = 0;
        while (!pending.isEmpty() && pending.peekFirst().done) {
            pending.pollFirst();
            handled = StreamManagement.increment(handled);
            counted++;
        }
        if (!owed || counted == 0) return "";
        owedAt -= counted;
        owedLast -= counted;
        if (owedAt > 0) return "";
        // Everything taken before the first waiting request is handled: answer it, and wait on for the later ones.
        if (owedLast > 0) {
            owedAt = owedLast;
        } else {
            owed = false;
        }
        return ackNow();
    }

    @Override
    public boolean awaitingConfirmation() {
        return pending != null && !pending.isEmpty();
    }

    @Override
    public Duration confirmationTimeout() {
        return settings.ackWhenStoredTimeout();
    }

    @Override
    public StreamExtension.Overdue overdue(long takenBefore, long now) {
        if (pending == null || pending.isEmpty()) return StreamExtension.Overdue.NONE;
        List<StreamExtension.Pending> again = new ArrayList<>();
        boolean gaveUp = false;
        for (Taken t : pending) {
            if (t.done || t.since - takenBefore > 0) continue;
            if (++t.attempts > MAX_ATTEMPTS) {
                t.done = true;
                gaveUp = true;
            } else {
                t.since = now;
                again.add(new StreamExtension.Pending(t.token, t.message, t.attempts));
            }
        }
        return new StreamExtension.Overdue(again, gaveUp ? drain() : "");
    }

    @Override
    public String sent(Element stanza) {
        unacknowledged.addLast(stanza);
        if (requested || unacknowledged.size() < settings.requestAckAfterStanzas()) return null;
        requested = true;
        return StreamManagement.REQUEST;
    }

    @Override
    public boolean awaitingRequest() {
        return !requested && !unacknowledged.isEmpty();
    }

    @Override
    public String request() {
        if (!awaitingRequest()) return null;
        requested = true;
        return StreamManagement.REQUEST;
    }

    @Override
    public Duration requestAfter() {
        return settings.requestAckAfter();
    }

    @Override
    public boolean overflowing() {
        // Stanzas taken from the client behind a message that waits for its confirmation count against the same
        // limit: a client cannot make the session keep an unbounded queue by flooding while one waits.
        return unacknowledged.size() > settings.maxUnacknowledged()
                || (pending != null && pending.size() > settings.maxUnacknowledged());
    }

    @Override
    public List<Element> unacknowledged() {
        return new ArrayList<>(unacknowledged);
    }

    @Override
    public String resumptionId() {
        return id;
    }

    @Override
    public Duration resumptionTimeout() {
        return settings.maxResumptionTime();
    }

    /** Counters and what is still unacknowledged (nothing, right after {@link #resume}); 'requested' starts afresh. */
    @Override
    public Element portable() {
        Element.Builder b = Element.builder("state", PORTABLE_NS).attr("handled", Long.toString(handled))
                .attr("acknowledged", Long.toString(acknowledged))
                .attr("total", Long.toString(acknowledgedTotal));
        if (id != null) b.attr("id", id);
        for (Element stanza : unacknowledged) b.child(stanza);
        return b.build();
    }

    /** §5: the new stream's 'h' acknowledges as an {@code <a/>} would; the rest is sent again, counted afresh. */
    @Override
    public StreamExtension.Resumption resume(long h) {
        long sent = sent();
        if (!acknowledge(h)) {
            return new StreamExtension.Resumption(
                    StreamExtension.Outcome.streamError(StreamManagement.handledCountTooHigh(h, sent)), null);
        }
        List<Element> replay = new ArrayList<>(unacknowledged);
        unacknowledged.clear();
        requested = false;
        // Messages still waiting for their confirmation were routed; the new stream counts them as handled, so the
        // client does not send them again (their confirmations come back to this session, which is gone by then).
        if (pending != null) {
            for (int i = pending.size(); i > 0; i--) handled = StreamManagement.increment(handled);
            pending = null;
            owed = false;
        }
        lastAck = handled;
        return new StreamExtension.Resumption(
                StreamExtension.Outcome.write(StreamManagement.resumed(id, handled)), replay);
    }
}
