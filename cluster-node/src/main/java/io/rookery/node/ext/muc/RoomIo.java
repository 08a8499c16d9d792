package io.rookery.node.ext.muc;

import io.rookery.node.ext.StanzaSink;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.user.SessionProtocol;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * How a room sends: to an occupant's session straight when the room knows it (no hop through the user's account),
 * else through the router, which hands it to the user's account like any stanza to a full JID.
 */
final class RoomIo {
    private final StanzaSink router;

    RoomIo(StanzaSink router) {
        this.router = router;
    }

    /** The stanza to the occupant ('to' set to its real JID). */
    void send(Occupant o, Element stanza) {
        toUser(o.jid, o.session, stanza);
    }

    /** The stanza to a user's full or bare JID, through its session when known. */
    void toUser(Jid to, ActorRef<SessionProtocol.Message> session, Element stanza) {
        Element addressed = stanza.withAttr("to", to.toString());
        if (session != null) {
            session.tell(new SessionProtocol.Deliver(addressed, NodeMetrics.nowMicros()));
        } else {
            router.route(addressed);
        }
    }

    /** A stanza whose 'to' is set already (invitations, answers to other services). */
    void route(Element stanza) {
        router.route(stanza);
    }

    /** The error reply to a request (RFC 6120 §8.3), to the session that sent it when known; none to an error. */
    void error(Element stanza, ActorRef<SessionProtocol.Message> session, StanzaErrorCondition condition) {
        error(stanza, session, StanzaError.of(condition));
    }

    void error(Element stanza, ActorRef<SessionProtocol.Message> session, StanzaError error) {
        if ("error".equals(stanza.attr("type")) || "result".equals(stanza.attr("type"))) return;
        reply(Stanzas.errorReply(stanza, error), session);
    }

    /** An iq result with this payload (null: empty). */
    void result(Element iq, ActorRef<SessionProtocol.Message> session, Element payload) {
        reply(Stanzas.iqResult(iq, payload), session);
    }

    /** A reply whose 'to' is the requester: through its session when known. */
    void reply(Element reply, ActorRef<SessionProtocol.Message> session) {
        if (session != null) {
            session.tell(new SessionProtocol.Deliver(reply, NodeMetrics.nowMicros()));
        } else {
            router.route(reply);
        }
    }
}
