package io.rookery.node.component;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Where each component domain is connected, as this node knows it: the connections on this node (claimed at their
 * handshake, so a second one for the same domain is refused at once), and the connections the receptionist lists
 * across the cluster (each registers under its domain's key), so a stanza routed on any node reaches the node that
 * holds the component. When two nodes accepted the same domain at once (within the receptionist's gossip delay),
 * the listing shows both; {@link #winner} picks the same one everywhere and the other closes with conflict.
 */
final class ComponentDirectory {
    private final Map<String, ActorRef<ComponentStream.Deliver>> local = new ConcurrentHashMap<>();
    private final Map<String, ActorRef<ComponentStream.Deliver>> cluster = new ConcurrentHashMap<>();
    private final ActorRefResolver refs;

    ComponentDirectory(ActorRefResolver refs) {
        this.refs = refs;
    }

    static ServiceKey<ComponentStream.Deliver> key(String domain) {
        return ServiceKey.create(ComponentStream.Deliver.class, "xmpp-component:" + domain);
    }

    /**
     * The connection that keeps a domain when the listing shows several, the same on every node (refs compared in
     * their serialized form, which names the node); null when none.
     */
    ActorRef<ComponentStream.Deliver> winner(Set<ActorRef<ComponentStream.Deliver>> listed) {
        return listed.stream().min(Comparator.comparing(refs::toSerializationFormat)).orElse(null);
    }

    /**
     * Takes the domain for this connection unless another holds it, here or (as far as the listing shows) on another
     * node. A listed connection of this node that is not claimed any more has ended: the listing lags.
     */
    boolean claim(String domain, ActorRef<ComponentStream.Deliver> connection) {
        ActorRef<ComponentStream.Deliver> elsewhere = cluster.get(domain);
        if (elsewhere != null && !elsewhere.path().address().hasLocalScope()) return false;
        return local.putIfAbsent(domain, connection) == null;
    }

    void release(String domain, ActorRef<ComponentStream.Deliver> connection) {
        local.remove(domain, connection);
    }

    /** The connection of a domain: this node's first, else the one the listing shows; null when not connected. */
    ActorRef<ComponentStream.Deliver> find(String domain) {
        ActorRef<ComponentStream.Deliver> here = local.get(domain);
        return here != null ? here : cluster.get(domain);
    }

    /** Follows the receptionist's listing of every configured domain. */
    Behavior<Receptionist.Listing> follower(Set<String> domains) {
        return Behaviors.setup(ctx -> {
            Map<ServiceKey<ComponentStream.Deliver>, String> keys = new HashMap<>();
            for (String d : domains) {
                ServiceKey<ComponentStream.Deliver> k = key(d);
                keys.put(k, d);
                ctx.getSystem().receptionist().tell(Receptionist.subscribe(k, ctx.getSelf()));
            }
            return Behaviors.receiveMessage(listing -> {
                for (Map.Entry<ServiceKey<ComponentStream.Deliver>, String> e : keys.entrySet()) {
                    if (!listing.isForKey(e.getKey())) continue;
                    ActorRef<ComponentStream.Deliver> w = winner(listing.getServiceInstances(e.getKey()));
                    if (w == null) cluster.remove(e.getValue());
                    else cluster.put(e.getValue(), w);
                }
                return Behaviors.same();
            });
        });
    }
}
