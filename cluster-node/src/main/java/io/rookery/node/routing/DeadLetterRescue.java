package io.rookery.node.routing;

import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.UserEntity;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.ActorSelectionMessage;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.UnhandledMessage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Gives messages a second chance when they reach a stopped actor. Cluster Sharding delivers at most once: a stanza
 * sent to a user's entity while its shard is handed to another node (a rolling restart, a rebalance) can arrive after
 * the entity stopped, and a stanza delivered to a session can arrive just after the session stopped. Both end as dead
 * letters on this node. A stanza that reaches a shard while it hands off its entities is not even a dead letter: the
 * shard leaves it unhandled; and a shard region drops what it buffered for a shard when the shard's handoff starts
 * (Pekko's guard against reordering), reported as {@link Dropped}. This actor routes such messages again, a little
 * later, through sharding (which then knows the shard's new home) or through the user's entity (which then knows
 * the session is gone and stores the message).
 *
 * <p>A node that is shutting down cannot do that itself: its shard region stops once its shards are handed off, and
 * whatever it routes after that is lost. So while this node's coordinated shutdown runs, each stanza goes to the
 * rescue actor of another node that is Up, addressed by its path on that node (not through the receptionist, whose
 * listing lags behind a node that has just restarted and may still name its previous incarnation), which routes it
 * there. A Rescue that reaches a node whose rescue actor is gone comes back as a dead letter and is routed there.
 *
 * <p>Each stanza is rescued at most {@link #MAX_RESCUES} times on each node. Rescued are messages and subscription
 * presence to a user (what the user would miss; presence updates and iq between users are superseded or retried by
 * clients), and a session's own requests to its account (its roster and other iq, its presence, its subscriptions,
 * its sent messages for carbons), which its client would otherwise wait for or its contacts never see.
 */
public final class DeadLetterRescue {
    public static final int MAX_RESCUES = 3;
    /** The rescue actor's name under /system, the same on every node. */
    public static final String NAME = "dead-letter-rescue";
    private static final Duration DELAY = Duration.ofMillis(500);
    private static final Duration PASS_ON_DELAY = Duration.ofMillis(1);
    private static final int REMEMBERED = 10_000;

    private DeadLetterRescue() {}

    /** A command for a user's entity that a node shutting down hands to this node. Crosses nodes (Kryo). */
    public record Rescue(UserEntity.Command command, Jid user) implements KryoSerializable {}

    /**
     * The command to send again to the user's entity; stanza: what it carries, by which a stanza that keeps failing
     * is recognised. mayPassOn: a node that is shutting down may hand it to another node (not one handed over).
     */
    private record Retry(UserEntity.Command command, Jid user, Element stanza, boolean mayPassOn)
            implements NoSerializationVerificationNeeded {}

    public static Behavior<Object> create(Router router) {
        return Behaviors.setup(ctx -> new Rescuer(ctx, router).behavior());
    }

    private static final class Rescuer {
        private final ActorContext<Object> ctx;
        private final Router router;
        private final CoordinatedShutdown shutdown;
        private final Cluster cluster;
        private final org.apache.pekko.actor.ActorSystem classic;
        /** Stanzas rescued lately and how often, so one that keeps failing is given up. */
        private final Map<Element, Integer> rescued = new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Element, Integer> eldest) {
                return size() > REMEMBERED;
            }
        };
        /** Stanzas a node shutting down could not hand to another node, logged now and then. */
        private long noPeer;

        Rescuer(ActorContext<Object> ctx, Router router) {
            this.ctx = ctx;
            this.router = router;
            var system = ctx.getSystem();
            this.classic = Adapter.toClassic(system);
            this.shutdown = CoordinatedShutdown.get(classic);
            this.cluster = Cluster.get(system);
            ActorRef<Object> self = ctx.getSelf();
            system.eventStream().tell(new EventStream.Subscribe<>(DeadLetter.class, self.narrow()));
            system.eventStream().tell(new EventStream.Subscribe<>(UnhandledMessage.class, self.narrow()));
            system.eventStream().tell(new EventStream.Subscribe<>(Dropped.class, self.narrow()));
        }

        Behavior<Object> behavior() {
            return Behaviors.receive(Object.class)
                    .onMessage(DeadLetter.class, d -> lost(d.message()))
                    .onMessage(UnhandledMessage.class, u -> lost(u.getMessage()))
                    .onMessage(Dropped.class, d -> alsoADeadLetter(d) ? Behaviors.same() : lost(d.message()))
                    // Handed over by a node that is shutting down: routed here, never passed on again.
                    .onMessage(Rescue.class, r -> rescue(retryFor(r.command(), r.user(), false)))
                    .onMessage(Retry.class, this::retry)
                    .build();
        }

        /**
         * A message that reached no actor. A Rescue sent to a node whose rescue actor is gone (or not started yet) is
         * routed there; an Artery that has not finished its handshake with a restarted node reports it still wrapped
         * in its selection. What a shard region or a shard drops from its buffer (at a shard's handoff, or when full)
         * it sends to the dead letters as a {@link Dropped}, which they publish wrapped in a DeadLetter.
         */
        private Behavior<Object> lost(Object message) {
            Object m = message instanceof ActorSelectionMessage sel ? sel.msg() : message;
            if (m instanceof Dropped d) m = d.message();
            return m instanceof Rescue r ? rescue(retryFor(r.command(), r.user(), false)) : rescue(retryFor(m));
        }

        private Behavior<Object> rescue(Retry retry) {
            if (retry == null || rescued.merge(retry.stanza(), 1, Integer::sum) > MAX_RESCUES) return Behaviors.same();
            // A node that is shutting down passes it on at the next tick, before its own shutdown ends.
            boolean shuttingDown = shutdown.getShutdownReason().isPresent();
            ctx.scheduleOnce(shuttingDown && retry.mayPassOn() ? PASS_ON_DELAY : DELAY, ctx.getSelf(), retry);
            return Behaviors.same();
        }

        private Behavior<Object> retry(Retry r) {
            if (r.mayPassOn() && shutdown.getShutdownReason().isPresent()) {
                List<Member> peers = upPeers();
                if (peers.isEmpty()) {
                    // The last node, or the others are not Up: routed here, which is lost once the region stops.
                    if (noPeer++ % 1000 == 0) {
                        ctx.getLog().warn("dead-letter-rescue found no other node up while shutting down "
                                + "(user={}, {} so far)", r.user(), noPeer);
                    }
                    router.user(r.user()).tell(r.command());
                    return Behaviors.same();
                }
                // One peer per user (members are sorted by address), so the commands to one entity keep their order.
                Member peer = peers.get(Math.floorMod(r.user().hashCode(), peers.size()));
                ctx.getLog().debug("dead-letter-rescued user={} via={}", r.user(), peer.address());
                classic.actorSelection(ctx.getSelf().path().toStringWithAddress(peer.address()))
                        .tell(new Rescue(r.command(), r.user()), org.apache.pekko.actor.ActorRef.noSender());
            } else {
                ctx.getLog().debug("dead-letter-rescued user={}", r.user());
                router.user(r.user()).tell(r.command());
            }
            return Behaviors.same();
        }

        /**
         * The members other than this node that are Up now: the cluster's own view, which knows a restarted node's new
         * incarnation as soon as it joins (its rescue actor starts with it).
         */
        private List<Member> upPeers() {
            List<Member> up = new ArrayList<>();
            for (Member m : cluster.state().getMembers()) {
                if (m.status() == MemberStatus.up() && !m.uniqueAddress().equals(cluster.selfMember().uniqueAddress())) {
                    up.add(m);
                }
            }
            return up;
        }
    }

    /**
     * Artery reports a message for another node that its full send queue drops twice: as Dropped, with that node's
     * actor as recipient, and to the dead letters as it was sent. The dead letter is the one rescued.
     */
    private static boolean alsoADeadLetter(Dropped d) {
        return d.recipient() != null && d.recipient().path().address().hasGlobalScope();
    }

    private static Retry retryFor(Object message) {
        if (message instanceof ShardingEnvelope<?> e) message = e.message();
        if (message instanceof SessionProtocol.Deliver d && "message".equals(d.stanza().name())) {
            // To a session that stopped: through the account, which knows where it may go now.
            Jid to = Jid.parseOrNull(d.stanza().attr("to"));
            return to == null ? null : retryFor(UserEntity.Deliver.handedBack(d.stanza(), to), to.bare(), true);
        }
        // A SessionProtocol.DeliverKept that reached no session is not rescued: its sender routes it again when its
        // confirmation does not come (XEP-0198 ack-when-stored), and a rescue as well would store it twice.
        if (message instanceof UserEntity.Deliver d) {
            // A message whose sender waits for its confirmation (XEP-0198) is routed again by the sender too: the
            // rescued copy counts as routed again, so that the account delivers whichever comes second not twice.
            if (d.confirmTo() != null && d.attempt() == 0) {
                d = new UserEntity.Deliver(d.stanza(), d.to(), d.routedAtMicros(), d.confirmTo(), d.token(), d.taken(),
                        1);
            }
            return retryFor(d, d.to().bare(), true);
        }
        if (message instanceof UserEntity.Command c) {
            // A session's own request to its account (the stanza's 'from' is the session's full JID).
            Element stanza = ownStanza(c);
            Jid from = stanza == null ? null : Jid.parseOrNull(stanza.attr("from"));
            return from == null ? null : retryFor(c, from.bare(), true);
        }
        return null;
    }

    private static Retry retryFor(UserEntity.Command command, Jid user, boolean mayPassOn) {
        if (command instanceof UserEntity.Deliver d) {
            return worthRescuing(d.stanza()) ? new Retry(command, user, d.stanza(), mayPassOn) : null;
        }
        Element stanza = ownStanza(command);
        return stanza == null ? null : new Retry(command, user, stanza, mayPassOn);
    }

    /**
     * The stanza of a session's request to its own account that is worth sending again: its roster and other iq to
     * the account (the client waits for the answer), its presence (its contacts would not see it), its subscription
     * requests and answers, its sent messages for carbons. Never processed when it ends here, so sending it again
     * does not repeat it. Requests that wait for a reply (bind, credentials) are retried by the session itself.
     */
    private static Element ownStanza(UserEntity.Command c) {
        if (c instanceof UserEntity.OwnIq q) return q.iq();
        if (c instanceof UserEntity.OwnPresence p) return p.presence();
        if (c instanceof UserEntity.OutboundSubscription o) return o.presence();
        if (c instanceof UserEntity.SentMessage m) return m.message();
        return null;
    }


    /** Messages (not errors, not carbon copies) and subscription requests and answers. */
    static boolean worthRescuing(Element stanza) {
        String type = stanza.attr("type");
        if ("message".equals(stanza.name())) {
            if ("error".equals(type)) return false;
            for (Element child : stanza.elements()) {
                if (io.rookery.protocol.xep.carbons.Carbons.NS.equals(child.namespace())) return false;
            }
            return true;
        }
        return "presence".equals(stanza.name()) && ("subscribe".equals(type) || "subscribed".equals(type)
                || "unsubscribe".equals(type) || "unsubscribed".equals(type));
    }
}
