package io.rookery.node.routing;

import io.rookery.node.limits.RateLimitedLog;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.user.OverloadReply;
import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.UserEntity;
import io.rookery.protocol.xml.Element;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Answers the stanzas an overloaded account entity could not take. While an entity persists, the commands that
 * arrive wait in its stash (at most {@code rookery.user.stash-capacity}); Pekko drops those that find it full and
 * publishes each as {@link Dropped}. A message, a subscription presence or an iq request dropped there goes back to
 * its sender as {@code <resource-constraint/>} of type wait (RFC 6120 §8.3.3.18: the recipient lacks the resources
 * to handle it now), so the sender knows it was not delivered and may retry. Presence updates are superseded by the
 * next one, and errors and results are never answered (§8.3.1). Counted in
 * {@code xmpp_stanzas_bounced_overload_total}; logged as {@code entity-stash-full}, one line per ten seconds.
 */
public final class OverloadBounce {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OverloadBounce.class);

    private OverloadBounce() {}

    public static Behavior<Object> create(Router router, NodeMetrics metrics) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(Dropped.class, ctx.getSelf().narrow()));
            RateLimitedLog lines = new RateLimitedLog();
            return Behaviors.receive(Object.class)
                    .onMessage(Dropped.class, d -> {
                        Object command = commandOf(d.message());
                        if (!(command instanceof UserEntity.Command)) return Behaviors.same();
                        Element bounced = null;
                        if (command instanceof UserEntity.Deliver deliver) {
                            bounced = OverloadReply.of(deliver.stanza());
                            if (bounced != null) {
                                metrics.bouncedOverload(deliver.stanza().name());
                                router.route(bounced);
                            }
                            // The error is its handling: the sender's acknowledgement (XEP-0198) need not wait.
                            if (deliver.confirmTo() != null) {
                                deliver.confirmTo().tell(new SessionProtocol.Handled(deliver.token()));
                            }
                        }
                        long events = lines.event(System.nanoTime());
                        if (events > 0) {
                            LOG.warn("entity-stash-full entity={} command={} bounced={} events={}",
                                    d.recipient().path().name(), command.getClass().getSimpleName(),
                                    bounced != null, events);
                        }
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /**
     * The command inside what Pekko dropped: its internal {@code IncomingCommand(command)} wrapper, a Scala case
     * class of one field, read through {@link scala.Product} because the class itself is internal.
     */
    static Object commandOf(Object dropped) {
        if (dropped instanceof scala.Product p && p.productArity() == 1) {
            return p.productElement(0);
        }
        return dropped;
    }
}
