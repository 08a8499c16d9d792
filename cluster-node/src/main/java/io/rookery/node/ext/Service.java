package io.rookery.node.ext;

import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xml.Element;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a module runs on a subdomain of the served domain ({@code conference.<domain>}): every stanza addressed to the
 * subdomain or to a JID at it comes here, 'from' stamped by the server.
 */
@FunctionalInterface
public interface Service {
    /**
     * session: the actor of the client session on this node that sent the stanza (it accepts
     * {@code io.rookery.node.user.SessionProtocol.Message}), so that the service can answer that session without a
     * hop through its account; null when the stanza came from elsewhere (an account's entity, another service).
     */
    void deliver(Element stanza, Jid to, ActorRef<?> session);
}
