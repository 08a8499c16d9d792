package io.rookery.node.routing;

import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Modules;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.user.UserEntity;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The stateless classifier between sessions and accounts: a stanza for a local user goes to that user's entity
 * (wherever in the cluster it lives); stanzas for the server itself and for other domains are answered here.
 */
public final class Router {
    private final ClusterSharding sharding;
    private final String domain;
    private final Modules modules;

    public Router(ClusterSharding sharding, String domain, Modules modules) {
        this.sharding = sharding;
        this.domain = domain;
        this.modules = modules;
    }

    /** The node's modules: what answers iq addressed to the server and to accounts. */
    public Modules modules() {
        return modules;
    }

    public String domain() {
        return domain;
    }

    public EntityRef<UserEntity.Command> user(Jid jid) {
        return sharding.entityRefFor(UserEntity.TYPE_KEY, UserEntity.entityId(jid.bare()));
    }

    /** Routes by the stanza's own 'to'; stanzas without a usable 'to' are dropped (they came from the server). */
    public void route(Element stanza) {
        String to = stanza.attr("to");
        if (to == null) return;
        try {
            route(stanza, Jid.parse(to));
        } catch (InvalidJidException e) {
            // Only server-generated stanzas come here without validation; nothing sensible to answer.
        }
    }

    public void route(Element stanza, Jid to) {
        if (!domain.equals(to.domain())) {
            // No server-to-server yet: RFC 6120 §8.3.3.16 remote-server-not-found.
            bounce(stanza, StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND);
            return;
        }
        if (to.local() == null) {
            // Addressed to the server (or a server resource) by another entity: answer requests, drop the rest.
            String type = stanza.attr("type");
            if ("iq".equals(stanza.name()) && ("get".equals(type) || "set".equals(type))) {
                route(modules.answer(AddressKind.SERVER, stanza));
            }
            return;
        }
        user(to).tell(new UserEntity.Deliver(stanza, to, NodeMetrics.nowMicros()));
    }

    private void bounce(Element stanza, StanzaErrorCondition condition) {
        String type = stanza.attr("type");
        if ("error".equals(type) || "result".equals(type)) return;
        if ("presence".equals(stanza.name())) return;
        route(Stanzas.errorReply(stanza, StanzaError.of(condition)));
    }
}
