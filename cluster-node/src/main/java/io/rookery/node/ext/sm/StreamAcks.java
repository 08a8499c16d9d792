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
    private final ArrayDeque<Element> unacknowledged = new ArrayDeque<>();
    /** An {@code <r/>} is out and its {@code <a/>} has not come back. */
    private boolean requested;

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
        acks.unacknowledged.addAll(portable.elements());
        return acks;
    }

    @Override
    public String namespace() {
        return StreamManagement.NS;
    }

    @Override
    public StreamExtension.Outcome onElement(Element e) {
        switch (e.name()) {
            case "r":
                return StreamExtension.Outcome.write(StreamManagement.ack(handled));
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
        handled = StreamManagement.increment(handled);
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
        return unacknowledged.size() > settings.maxUnacknowledged();
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
                .attr("acknowledged", Long.toString(acknowledged));
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
        return new StreamExtension.Resumption(
                StreamExtension.Outcome.write(StreamManagement.resumed(id, handled)), replay);
    }
}
