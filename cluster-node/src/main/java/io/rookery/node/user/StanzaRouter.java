package io.rookery.node.user;

import io.rookery.node.ext.Modules;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xml.Element;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * What user entities need of the router (io.rookery.node.routing.StanzaRouter implements it): sending stanzas on,
 * reaching another account's entity, and the modules. Declared here so that this package does not depend on the
 * routing package, which depends on it.
 */
public interface StanzaRouter {
    /** Routes by the stanza's own 'to'. */
    void route(Element stanza);

    void route(Element stanza, Jid to);

    /** The entity of the account whose bare JID this is, wherever in the cluster it lives. */
    EntityRef<UserEntity.Command> user(Jid jid);

    Modules modules();

    /** The XMPP domain this node serves. */
    String domain();
}
