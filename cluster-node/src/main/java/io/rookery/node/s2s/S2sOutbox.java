package io.rookery.node.s2s;

import io.rookery.node.ext.StanzaSink;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * What this node's senders gave for remote domains, kept until the domain's link confirms it left (written to the
 * remote server, or answered with an error): Cluster Sharding delivers at most once, and a stanza on its way to a link
 * whose node dies would be lost. Each stanza gets a sequence number per domain; the link accepts them strictly in
 * order ({@link RemoteDomainEntity.Send}), confirms in batches ({@link Ack}), and whatever stays unconfirmed for
 * {@code resend-interval} is sent again, all of it and in order, so that a link started anew on another node picks up
 * where its predecessor stopped. At least once: a link that dies after writing and before confirming has its last
 * stanzas written again by its successor.
 */
public final class S2sOutbox extends AbstractBehavior<S2sOutbox.Command> {
    public static final String NAME = "s2s-outbox";

    public interface Command {}

    /** A stanza for the link {@code domain} names ({@link RemoteDomainEntity#entityId}), from the router. Local only. */
    record Outbound(String domain, Element stanza) implements Command, NoSerializationVerificationNeeded {}

    /** The link {@code domain} (its entity id) has handled everything up to {@code upTo}. Crosses nodes (Kryo). */
    public record Ack(String domain, long upTo) implements Command, io.rookery.persistence.kryo.KryoSerializable {}

    private enum Tick implements Command, NoSerializationVerificationNeeded { INSTANCE }

    private record Pending(long seq, Element stanza, long firstSentAt) {}

    private static final class Domain {
        long nextSeq = 1;
        long lastSentAt;
        final ArrayDeque<Pending> pending = new ArrayDeque<>();
    }

    static Behavior<Command> create(ClusterSharding sharding, S2sSettings settings, StanzaSink router) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new S2sOutbox(ctx, t, sharding, settings, router)));
    }

    private final TimerScheduler<Command> timers;
    private final ClusterSharding sharding;
    private final S2sSettings settings;
    private final StanzaSink router;
    private final Map<String, Domain> domains = new HashMap<>();

    private S2sOutbox(ActorContext<Command> ctx, TimerScheduler<Command> timers, ClusterSharding sharding,
            S2sSettings settings, StanzaSink router) {
        super(ctx);
        this.timers = timers;
        this.sharding = sharding;
        this.settings = settings;
        this.router = router;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Outbound.class, this::onOutbound)
                .onMessage(Ack.class, this::onAck)
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .build();
    }

    private Behavior<Command> onOutbound(Outbound o) {
        Domain d = domains.computeIfAbsent(o.domain(), k -> new Domain());
        if (d.pending.size() >= settings.maxQueuedStanzas()) {
            bounce(o.stanza(), StanzaErrorCondition.RESOURCE_CONSTRAINT);
            return this;
        }
        long now = System.nanoTime();
        Pending p = new Pending(d.nextSeq++, o.stanza(), now);
        d.pending.add(p);
        if (d.pending.size() == 1) d.lastSentAt = now;
        send(o.domain(), d, p);
        // Only while something waits: an idle node keeps no timer.
        if (!timers.isTimerActive(Tick.INSTANCE)) timers.startTimerWithFixedDelay(Tick.INSTANCE, tickInterval());
        return this;
    }

    private Behavior<Command> onAck(Ack a) {
        Domain d = domains.get(a.domain());
        if (d == null) return this;
        boolean progressed = false;
        while (!d.pending.isEmpty() && d.pending.peek().seq() <= a.upTo()) {
            d.pending.poll();
            progressed = true;
        }
        // A domain's numbering never restarts while this outbox lives (a link would take the new numbers for
        // duplicates), so its entry stays: a few dozen bytes per domain this node ever sent to.
        if (progressed) d.lastSentAt = System.nanoTime();
        return this;
    }

    private Behavior<Command> onTick() {
        long now = System.nanoTime();
        long resend = settings.resendInterval().toNanos();
        long giveUp = settings.queueTimeout().plus(settings.negotiationTimeout()).toNanos();
        boolean waiting = false;
        for (Iterator<Map.Entry<String, Domain>> it = domains.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Domain> e = it.next();
            Domain d = e.getValue();
            // The link would have answered these long ago if it were alive: its senders learn it.
            while (!d.pending.isEmpty() && now - d.pending.peek().firstSentAt() > giveUp) {
                bounce(d.pending.poll().stanza(), StanzaErrorCondition.REMOTE_SERVER_TIMEOUT);
            }
            if (d.pending.isEmpty()) continue;
            waiting = true;
            if (now - d.lastSentAt > resend) {
                d.lastSentAt = now;
                for (Pending p : d.pending) send(e.getKey(), d, p);
            }
        }
        if (!waiting) timers.cancel(Tick.INSTANCE);
        return this;
    }

    private Duration tickInterval() {
        Duration half = settings.resendInterval().dividedBy(2);
        return half.isZero() ? Duration.ofMillis(1) : half;
    }

    private void send(String domain, Domain d, Pending p) {
        sharding.entityRefFor(RemoteDomainEntity.TYPE_KEY, domain).tell(new RemoteDomainEntity.Send(p.stanza(),
                getContext().getSelf(), p.seq(), d.pending.peek().seq()));
    }

    private void bounce(Element stanza, StanzaErrorCondition condition) {
        String type = stanza.attr("type");
        if ("error".equals(type) || "result".equals(type) || "presence".equals(stanza.name())) return;
        router.route(Stanzas.errorReply(stanza, StanzaError.of(condition)));
    }

    /** For the router: hands a stanza for a remote domain to this node's outbox. */
    static void offer(ActorRef<Command> outbox, String domain, Element stanza) {
        outbox.tell(new Outbound(domain, stanza));
    }
}
