package io.rookery.node.cluster;

import io.rookery.node.routing.Router;
import io.rookery.node.user.UserEntity;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Cleans up after lost nodes: when a member is removed (crashed and downed, or left), the oldest member that is up
 * reads the sessions that node held ({@link OnlineSessions}) and tells each user's entity the session is gone
 * ({@link UserEntity.SessionLost}), so contacts see the user's resource go unavailable even when the entity died
 * with the node. When the oldest member comes up it also cleans up after incarnations no member knows (a whole
 * cluster that stopped at once). A survivor that dies in the middle leaves the rest to the next start.
 */
public final class LostSessions {
    private LostSessions() {}

    private record Removed(ClusterEvent.MemberRemoved event) implements org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    private record Up(SelfUp event) implements org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    private record CleanUp(String node) implements org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    private record Done(String node, int sessions, Throwable failure)
            implements org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    /** The key of a node incarnation in the online tables: its address and uid. */
    public static String incarnation(UniqueAddress a) {
        return a.address() + "#" + a.longUid();
    }

    /**
     * {@code delay}: how long after a removal the cleanup starts. Sessions on the survivors whose entities died with
     * the node register again meanwhile; an unavailable presence sent to a user whose session has not done so yet
     * would find nobody and be dropped.
     */
    public static Behavior<Object> create(OnlineSessions store, Router router, java.time.Duration delay) {
        return Behaviors.setup(ctx -> {
            Cluster cluster = Cluster.get(ctx.getSystem());
            cluster.subscriptions().tell(Subscribe.create(
                    ctx.messageAdapter(ClusterEvent.MemberRemoved.class, Removed::new).unsafeUpcast()
                            .narrow(), ClusterEvent.MemberRemoved.class));
            cluster.subscriptions().tell(Subscribe.create(
                    ctx.messageAdapter(SelfUp.class, Up::new).unsafeUpcast().narrow(), SelfUp.class));
            return Behaviors.receive(Object.class)
                    .onMessage(Removed.class, m -> {
                        ctx.scheduleOnce(delay, ctx.getSelf(), new CleanUp(incarnation(m.event().member().uniqueAddress())));
                        return Behaviors.same();
                    })
                    .onMessage(CleanUp.class, c -> {
                        if (oldestUp(cluster)) cleanUp(ctx, store, router, c.node());
                        return Behaviors.same();
                    })
                    .onMessage(Up.class, m -> {
                        if (oldestUp(cluster)) {
                            Set<String> members = new HashSet<>();
                            cluster.state().getMembers().forEach(mb -> members.add(incarnation(mb.uniqueAddress())));
                            ctx.pipeToSelf(store.knownNodes(), (nodes, failure) -> new Known(nodes, members, failure));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Known.class, k -> {
                        if (k.failure() != null) {
                            ctx.getLog().warn("lost-sessions-scan-failed error={}", k.failure().toString());
                        } else {
                            for (String node : k.nodes()) {
                                if (!k.members().contains(node)) cleanUp(ctx, store, router, node);
                            }
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Done.class, d -> {
                        if (d.failure() != null) {
                            ctx.getLog().warn("lost-node-cleanup-failed node={} error={}", d.node(), d.failure().toString());
                        } else {
                            ctx.getLog().info("lost-node-sessions node={} sessions={}", d.node(), d.sessions());
                        }
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    private record Known(List<String> nodes, Set<String> members, Throwable failure)
            implements org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    private static boolean oldestUp(Cluster cluster) {
        Member self = cluster.selfMember();
        if (self.status() != MemberStatus.up()) return false;
        for (Member m : cluster.state().getMembers()) {
            if (m.status() == MemberStatus.up() && !m.equals(self) && m.isOlderThan(self)) return false;
        }
        return true;
    }

    private static void cleanUp(ActorContext<Object> ctx, OnlineSessions store, Router router, String node) {
        ctx.pipeToSelf(store.heldBy(node).thenCompose(held -> {
            String address = node.substring(0, node.lastIndexOf('#'));
            for (OnlineSessions.Held h : held) {
                router.user(h.user()).tell(new UserEntity.SessionLost(h.resource(), address, h.smId()));
            }
            return store.forget(node).thenApply(v -> held.size());
        }), (count, failure) -> new Done(node, count == null ? 0 : count, failure));
    }
}
