package io.rookery.node.bosh;

import io.rookery.persistence.kryo.KryoSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A BOSH session lives on the node that created it, but its requests may reach any node (a load balancer without
 * affinity, a client whose requests go over several connections). Each node runs one relay at {@link #PATH}; a
 * session's sid starts with its node's tag (from the member's unique address, new at each start), and a node that
 * gets a request for another member's session hands the body to that member's relay and answers with its answer.
 * Members are known from the cluster's membership as soon as they are up, with no registry to wait for.
 */
public final class BoshRelay {
    /** The relay's name among a node's system actors. */
    static final String NAME = "bosh-relay";
    static final String PATH = "/system/" + NAME;

    /** A request's body for a session of the relay's node, from that client address. */
    public record Forward(String body, long address, ActorRef<Reply> replyTo) implements KryoSerializable {}

    /** What the session's node answered: the HTTP status and body. */
    public record Reply(int status, String body) implements KryoSerializable {}

    private BoshRelay() {}

    /** The tag of a member's sids: eight hex digits of its unique address's uid (a restarted node has another). */
    static String tag(org.apache.pekko.cluster.UniqueAddress member) {
        return String.format("%08x", (int) member.longUid());
    }

    static Behavior<Forward> create(BoshEndpoint endpoint) {
        return Behaviors.setup(ctx -> {
            return Behaviors.receiveMessage(f -> {
                ActorRef<Reply> replyTo = f.replyTo();
                endpoint.handleLocal(f.body(), f.address())
                        .whenComplete((a, e) -> replyTo.tell(e == null ? new Reply(a.status(), a.body())
                                : new Reply(200, io.rookery.protocol.bosh.Bosh.terminate(
                                        io.rookery.protocol.bosh.Bosh.Condition.INTERNAL_SERVER_ERROR))));
                return Behaviors.same();
            });
        });
    }
}
