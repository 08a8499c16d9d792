package io.rookery.node.ext.muc;

import io.rookery.node.user.SessionProtocol;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.protocol.xml.Element;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * One per node: takes a room's message once for all its occupants whose sessions are on this node and hands it to
 * each, so that a message to N occupants spread over K nodes crosses the network K times, not N. Rooms find the
 * relay of each node through {@link Directory}, which follows the receptionist; a node whose relay is not known yet
 * gets the message per session, as before.
 */
final class RoomRelay {
    static final ServiceKey<Fanout> KEY = ServiceKey.create(Fanout.class, "muc-relay");

    private RoomRelay() {}

    /**
     * The message for these sessions on the relay's node, each copy addressed to the JID at the same index;
     * routedAtMicros: when the room took it. Lists are ArrayLists (Kryo).
     */
    record Fanout(Element stanza, List<ActorRef<SessionProtocol.Message>> sessions, List<String> to,
            long routedAtMicros) implements KryoSerializable {}

    static Behavior<Fanout> create() {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            return Behaviors.receiveMessage(f -> {
                for (int i = 0; i < f.sessions().size(); i++) {
                    f.sessions().get(i).tell(new SessionProtocol.Deliver(f.stanza().withAttr("to", f.to().get(i)),
                            f.routedAtMicros()));
                }
                return Behaviors.same();
            });
        });
    }

    /** The relays of the cluster's nodes by address, as the receptionist lists them; read by every room. */
    static final class Directory {
        private final Map<Address, ActorRef<Fanout>> relays = new ConcurrentHashMap<>();

        Behavior<Receptionist.Listing> follower() {
            return Behaviors.setup(ctx -> {
                ctx.getSystem().receptionist().tell(Receptionist.subscribe(KEY, ctx.getSelf()));
                return Behaviors.receiveMessage(listing -> {
                    Map<Address, ActorRef<Fanout>> now = new HashMap<>();
                    for (ActorRef<Fanout> r : listing.getServiceInstances(KEY)) now.put(r.path().address(), r);
                    relays.keySet().retainAll(now.keySet());
                    relays.putAll(now);
                    return Behaviors.same();
                });
            });
        }

        ActorRef<Fanout> relayAt(Address address) {
            return relays.get(address);
        }
    }
}
