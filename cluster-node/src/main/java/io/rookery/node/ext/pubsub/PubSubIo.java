package io.rookery.node.ext.pubsub;

import io.rookery.node.ext.StanzaSink;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.user.SessionProtocol;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xep.pubsub.PubSub;
import io.rookery.protocol.xml.Element;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * How the service sends: replies to the requesting session straight when it is known (no hop through the user's
 * account), notifications through the router, which hands each to the subscriber's account like any stanza to its
 * bare or full JID.
 */
final class PubSubIo {
    private final StanzaSink router;

    PubSubIo(StanzaSink router) {
        this.router = router;
    }

    /** The §7.1.2 (and §7.2.2, §8.4.2, §8.5.2) notification from the service to each JID, of the node's type. */
    void notify(String service, List<String> to, String type, Element event) {
        for (String jid : to) router.route(PubSub.message(service, jid, type, event));
    }

    void result(Element iq, ActorRef<SessionProtocol.Message> session, Element payload) {
        reply(Stanzas.iqResult(iq, payload), session);
    }

    /** The error reply: the stanza condition and, when not null, the {@code #errors} one (with its feature). */
    void error(Element iq, ActorRef<SessionProtocol.Message> session, StanzaErrorCondition condition,
            String pubsubCondition, String feature) {
        if ("error".equals(iq.attr("type")) || "result".equals(iq.attr("type"))) return;
        reply(PubSub.error(iq, condition, pubsubCondition, feature), session);
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
