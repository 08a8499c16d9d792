package io.rookery.node.routing;

import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.UserEntity;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;

/**
 * Gives messages a second chance when they reach a stopped actor. Cluster Sharding delivers at most once: a stanza
 * sent to a user's entity while its shard is handed to another node (a rolling restart, a rebalance) can arrive after
 * the entity stopped, and a stanza delivered to a session can arrive just after the session stopped. Both end as dead
 * letters on this node; this actor routes such messages again, a little later, through sharding (which then knows
 * the shard's new home) or through the user's entity (which then knows the session is gone and stores the message).
 * Each stanza is rescued at most {@link #MAX_RESCUES} times. Only messages and subscription presence are rescued:
 * they are what a user would miss; presence updates and iq are superseded or retried by clients.
 */
public final class DeadLetterRescue {
    public static final int MAX_RESCUES = 3;
    private static final Duration DELAY = Duration.ofMillis(500);
    private static final int REMEMBERED = 10_000;

    private DeadLetterRescue() {}

    private record Retry(Element stanza, Jid to) implements NoSerializationVerificationNeeded {}

    public static Behavior<Object> create(Router router) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(DeadLetter.class,
                    ctx.getSelf().narrow()));
            // Stanzas rescued lately and how often, so one that keeps failing is given up.
            Map<Element, Integer> rescued = new LinkedHashMap<>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Element, Integer> eldest) {
                    return size() > REMEMBERED;
                }
            };
            return Behaviors.receive(Object.class)
                    .onMessage(DeadLetter.class, d -> {
                        Retry retry = retryFor(d.message());
                        if (retry != null && rescued.merge(retry.stanza(), 1, Integer::sum) <= MAX_RESCUES) {
                            ctx.getLog().debug("dead-letter-rescued to={}", retry.to());
                            ctx.scheduleOnce(DELAY, ctx.getSelf(), retry);
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Retry.class, r -> {
                        router.user(r.to()).tell(new UserEntity.Deliver(r.stanza(), r.to()));
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    private static Retry retryFor(Object message) {
        Object m = message instanceof ShardingEnvelope<?> e ? e.message() : message;
        if (m instanceof UserEntity.Deliver d && worthRescuing(d.stanza())) return new Retry(d.stanza(), d.to());
        if (m instanceof SessionProtocol.Deliver d && "message".equals(d.stanza().name())
                && worthRescuing(d.stanza())) {
            try {
                String to = d.stanza().attr("to");
                return to == null ? null : new Retry(d.stanza(), Jid.parse(to));
            } catch (InvalidJidException e) {
                return null;
            }
        }
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
