package io.rookery.node.ext.sm;

import io.rookery.node.ext.StreamExtension;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.sm.StreamManagement;
import io.rookery.protocol.xml.Element;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One stream's XEP-0198 counters (§4): stanzas handled from the client, stanzas written to it and the ones not yet
 * acknowledged, in order. Created on {@code <enable/>}, so both counters start at zero there.
 */
final class StreamAcks implements StreamExtension.State {
    private final int maxUnacknowledged;
    /** 'h' for the client: stanzas the server has handled, modulo 2^32. */
    private long handled;
    /** Stanzas written to the client, modulo 2^32, and the last count the client acknowledged. */
    private long sent;
    private long acknowledged;
    private final ArrayDeque<Element> unacknowledged = new ArrayDeque<>();
    /** An {@code <r/>} is out and its {@code <a/>} has not come back. */
    private boolean requested;

    StreamAcks(int maxUnacknowledged) {
        this.maxUnacknowledged = maxUnacknowledged;
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

    private StreamExtension.Outcome ack(Element e) {
        long h = StreamManagement.handled(e);
        if (h < 0) return StreamModuleErrors.badAck();
        long count = StreamManagement.between(acknowledged, h);
        if (count > unacknowledged.size()) {
            // §6: more than was sent (or an 'h' from before the last ack, which reads as far too many).
            return StreamExtension.Outcome.streamError(StreamManagement.handledCountTooHigh(h, sent));
        }
        for (long i = 0; i < count; i++) unacknowledged.pollFirst();
        acknowledged = h;
        requested = false;
        // What was written after the request answered is still open: ask again, so it does not wait for the next
        // stanza to be acknowledged.
        if (!unacknowledged.isEmpty()) {
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
        sent = StreamManagement.increment(sent);
        unacknowledged.addLast(stanza);
        if (requested) return null;
        requested = true;
        return StreamManagement.REQUEST;
    }

    @Override
    public boolean overflowing() {
        return unacknowledged.size() > maxUnacknowledged;
    }

    @Override
    public List<Element> unacknowledged() {
        return new ArrayList<>(unacknowledged);
    }
}
