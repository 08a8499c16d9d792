package io.rookery.node.c2s;

import io.rookery.node.ext.StreamExtension;
import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.SessionProtocol.Message;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xml.Element;
import org.apache.pekko.actor.typed.Behavior;

/**
 * A module's part in a session's stream (XEP-0198): the top-level elements of its namespace, the node's sweep coming
 * back for acknowledgements to ask for and confirmations overdue, and the confirmations of the messages the client
 * sent. Resumption is {@link Resumption}'s.
 */
final class StreamExtensions {
    private StreamExtensions() {}

    /**
     * A top-level element that is not a stanza, for the module whose namespace it is (a stream extension, XEP-0198);
     * null when no enabled module takes that namespace.
     */
    static Behavior<Message> element(SessionActor s, Element e, boolean bound) {
        io.rookery.node.ext.ClientStatePolicy csi = s.services.modules().clientState();
        if (csi != null && csi.namespace().equals(e.namespace())) return ClientStates.element(s, csi, e);
        StreamExtension x = s.services.modules().streamExtension(e.namespace());
        if (x == null) return null;
        StreamExtension.Outcome outcome = apply(s, x, e, bound);
        if (!outcome.xml().isEmpty()) s.send(outcome.xml());
        if (outcome.streamError() != null) {
            s.sendHeader(null);
            return s.close(outcome.streamError());
        }
        if (outcome.resumeId() != null) {
            return Resumption.resume(s, x, outcome.resumeId(), outcome.resumeResource(), outcome.resumeHandled());
        }
        return s.processed();
    }

    /**
     * An element asked for inline with a XEP-0386 bind ({@code <enable/>} of XEP-0198) on the stream just bound:
     * what the module answers, for the {@code <bound/>} element; empty when no enabled module takes it.
     */
    static String startInline(SessionActor s, Element e) {
        StreamExtension x = s.services.modules().streamExtension(e.namespace());
        if (x == null || s.extension != null) return "";
        StreamExtension.Outcome outcome = apply(s, x, e, true);
        return outcome.streamError() != null || outcome.resumeId() != null ? "" : outcome.xml();
    }

    private static StreamExtension.Outcome apply(SessionActor s, StreamExtension x, Element e, boolean bound) {
        StreamExtension.Outcome outcome;
        if (s.extension != null && s.extension.namespace().equals(x.namespace())) {
            outcome = s.extension.onElement(e);
        } else {
            outcome = x.start(e, bound && s.full != null ? s.full.resource() : null);
            // One extension's state per stream (XEP-0198 is the only one): a second one's is not kept.
            if (outcome.state() != null && s.extension == null) {
                s.extension = outcome.state();
                if (s.extension.resumptionId() != null) {
                    s.services.resumable(s.extension.resumptionId(), s.context.getSelf());
                    // Kept in Cassandra from now on, for resumption after a node loss; <enabled/> waits for it.
                    if (s.extension.keptAfterNodeLoss()) KeptStream.begin(s, -1, true);
                }
            }
        }
        return outcome;
    }

    /**
     * Has the sweep come back once written stanzas waited request-ack-after without an acknowledgement asked for, or
     * once sent messages waited ack-when-stored-timeout for their confirmation, whichever is first.
     */
    static void armAckDue(SessionActor s) {
        boolean ask = s.extension.awaitingRequest() && !s.extension.requestAfter().isZero();
        boolean confirm = s.extension.awaitingConfirmation();
        if (!ask && !confirm) {
            // Read before written: with the default count of one this runs on every flush and is nearly always 0.
            if (s.clock.ackDueAt != 0) s.clock.ackDueAt = 0;
        } else if (s.clock.ackDueAt == 0) {
            long after = Long.MAX_VALUE;
            if (ask) after = s.extension.requestAfter().toNanos();
            if (confirm) after = Math.min(after, s.extension.confirmationTimeout().toNanos());
            long due = System.nanoTime() + after;
            s.clock.ackDueAt = due == 0 ? 1 : due;
        }
    }

    /** XEP-0198: the recipient's account handled a message this session sent; an acknowledgement may be due. */
    static Behavior<Message> onHandled(SessionActor s, SessionProtocol.Handled h) {
        if (s.extension != null) {
            String write = s.extension.confirmed(h.token());
            if (!write.isEmpty()) s.send(write);
        }
        return s;
    }

    /**
     * XEP-0198: the sweep came back. Stanzas written that waited request-ack-after without a request: ask now.
     * Messages sent that waited ack-when-stored-timeout for their confirmation: routed again.
     */
    static Behavior<Message> onAckDue(SessionActor s) {
        if (s.extension == null) return s;
        if (s.state == Established.INSTANCE && s.extension.awaitingRequest()) {
            String request = s.extension.request();
            if (request != null) s.send(request);
        }
        if (s.extension.awaitingConfirmation()) {
            // Messages whose confirmation did not come (lost with a node in flight) go again, under the same token (each
            // was taken for an account, so it goes to one again).
            long now = System.nanoTime();
            StreamExtension.Overdue overdue = s.extension.overdue(
                    now - s.extension.confirmationTimeout().toNanos(), now);
            for (StreamExtension.Pending p : overdue.again()) {
                Jid to = Jid.parseOrNull(p.message().attr("to"));
                if (to != null) s.services.router().routeConfirmed(p.message(), to, s.context.getSelf(), p.token(),
                        p.attempt());
            }
            if (!overdue.again().isEmpty()) s.metrics.smConfirmationsRetried(overdue.again().size());
            if (!overdue.write().isEmpty()) s.send(overdue.write());
        }
        return s;
    }
}
