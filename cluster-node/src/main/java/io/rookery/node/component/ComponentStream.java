package io.rookery.node.component;

import io.rookery.node.routing.Router;
import io.rookery.node.s2s.S2sStage;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.StreamError;
import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.xep.component.ComponentStreams;
import io.rookery.protocol.xep.component.Handshake;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StreamHeader;
import java.util.Locale;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream an external component opened (XEP-0114 §3, "accept"): its header names the component's domain, which
 * must be configured (else host-unknown); our header gives a fresh stream id; the component's {@code <handshake>}
 * must be the digest of that id and the domain's secret (else not-authorized); a domain already connected, on this
 * node or another, is refused with conflict, as ejabberd does. Then stanzas go both ways: the component's, whose
 * 'from' must be at its domain (else invalid-from) and whose 'to' must be a JID, to the router; the router's for the
 * domain ({@link Deliver}, from any node through the receptionist) to the component.
 */
final class ComponentStream extends AbstractBehavior<ComponentStream.Command> {
    private static final Logger LOG = LoggerFactory.getLogger(ComponentStream.class);

    interface Command {}

    /** A stanza for the component, in jabber:client; crosses nodes. */
    record Deliver(Element stanza) implements Command, KryoSerializable {}

    private interface Internal extends Command, NoSerializationVerificationNeeded {}

    private record StageEvent(S2sStage.Event event) implements Internal {}

    /** Other connections of the same domain in the cluster, as the receptionist lists them. */
    private record Listed(Receptionist.Listing listing) implements Internal {}

    private enum Timeout implements Internal { NEGOTIATION }

    record Shared(String localDomain, ComponentSettings settings, Router router, ComponentDirectory directory,
            ComponentMetrics metrics) {}

    static Behavior<S2sStage.Event> create(Shared shared) {
        return Behaviors.transformMessages(S2sStage.Event.class,
                Behaviors.<Command>setup(ctx -> Behaviors.withTimers(t -> new ComponentStream(ctx, t, shared))),
                pf -> pf.match(S2sStage.Event.class, StageEvent::new));
    }

    private final Shared shared;
    private final TimerScheduler<Command> timers;
    private final io.rookery.node.s2s.StreamWriter out = new io.rookery.node.s2s.StreamWriter();
    private java.net.InetSocketAddress remote;
    private String streamId;
    /** The domain the header named; the component's once established. */
    private String domain;
    private boolean headerSent;
    private boolean established;

    private ComponentStream(ActorContext<Command> ctx, TimerScheduler<Command> timers, Shared shared) {
        super(ctx);
        this.shared = shared;
        this.timers = timers;
        timers.startSingleTimer(Timeout.NEGOTIATION, shared.settings().negotiationTimeout());
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(StageEvent.class, this::onStage)
                .onMessage(Deliver.class, this::onDeliver)
                .onMessage(Listed.class, this::onListed)
                .onMessageEquals(Timeout.NEGOTIATION, () -> {
                    if (!established) refuse(StreamErrorCondition.CONNECTION_TIMEOUT, "no handshake in time");
                    return this;
                })
                .build();
    }

    private Behavior<Command> onStage(StageEvent se) {
        S2sStage.Event e = se.event();
        if (e instanceof S2sStage.Ready r) {
            out.attach(r.stage());
            remote = r.remote();
        } else if (e instanceof S2sStage.Opened o) {
            onOpened(o.header());
        } else if (e instanceof S2sStage.Received r) {
            onElement(r.element());
        } else if (e instanceof S2sStage.Violation v) {
            streamError(v.condition(), v.text());
        } else if (e instanceof S2sStage.PeerClosed) {
            close();
        } else if (e instanceof S2sStage.Ended ended) {
            if (established) {
                shared.directory().release(domain, self());
                shared.metrics().disconnected();
                LOG.info("component-disconnected domain={} remote={} reason={}", domain, remote, ended.reason());
            }
            return Behaviors.stopped();
        }
        return this;
    }

    /** XEP-0114 §3: the header's 'to' is the component's name; we answer with ours, a fresh id in it. */
    private void onOpened(StreamHeader h) {
        if (headerSent) {
            streamError(StreamErrorCondition.BAD_FORMAT, "one stream header per connection");
            return;
        }
        domain = h.to() == null ? null : h.to().toLowerCase(Locale.ROOT);
        if (domain == null || shared.settings().secretOf(domain) == null) {
            refuse(StreamErrorCondition.HOST_UNKNOWN, null);
            return;
        }
        streamId = io.rookery.node.s2s.StreamWriter.newId();
        headerSent = true;
        write(ComponentStreams.header(domain, streamId));
    }

    private void onElement(Element e) {
        if (out.closing()) return;
        if (!established) {
            if (ComponentStreams.isHandshake(e)) onHandshake(e);
            else refuse(StreamErrorCondition.NOT_AUTHORIZED, "handshake first");
        } else if (ComponentStreams.NS.equals(e.namespace())
                && (e.name().equals("message") || e.name().equals("presence") || e.name().equals("iq"))) {
            onStanza(e);
        } else if (e.is("error", io.rookery.protocol.stanza.Namespaces.STREAM)) {
            LOG.info("component-stream-error-received domain={} error={}", domain, e);
        } else if (!ComponentStreams.isHandshake(e)) {
            streamError(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, null);
        }
    }

    private void onHandshake(Element e) {
        if (!Handshake.matches(streamId, shared.settings().secretOf(domain), e.text())) {
            refuse(StreamErrorCondition.NOT_AUTHORIZED, null);
            return;
        }
        if (!shared.directory().claim(domain, self())) {
            refuse(StreamErrorCondition.CONFLICT, domain + " is already connected");
            return;
        }
        established = true;
        timers.cancel(Timeout.NEGOTIATION);
        getContext().getSystem().receptionist().tell(Receptionist.register(ComponentDirectory.key(domain), self()));
        getContext().getSystem().receptionist().tell(Receptionist.subscribe(ComponentDirectory.key(domain),
                getContext().messageAdapter(Receptionist.Listing.class, Listed::new)));
        shared.metrics().handshake("accepted");
        shared.metrics().connected();
        LOG.info("component-connected domain={} remote={}", domain, remote);
        write(Handshake.SUCCESS);
    }

    /** XEP-0114 §3: 'from' and 'to' are required, and the 'from' must be at the component's domain. */
    private void onStanza(Element stanza) {
        Jid from;
        Jid to;
        try {
            from = Jid.parse(stanza.attr("from"));
            to = Jid.parse(stanza.attr("to"));
        } catch (InvalidJidException | NullPointerException e) {
            streamError(StreamErrorCondition.IMPROPER_ADDRESSING, "a component's stanza needs from and to");
            return;
        }
        if (!from.domain().equals(domain)) {
            streamError(StreamErrorCondition.INVALID_FROM, "from must be at " + domain);
            return;
        }
        shared.metrics().stanzaIn();
        if (LOG.isDebugEnabled()) LOG.debug("component-stanza-in domain={} stanza={}", domain, stanza);
        Element translated = ComponentStreams.fromComponent(stanza);
        // To another server too: over a link of the component's own domain (RemoteDomainEntity.entityId), which
        // authenticates that domain (a certificate naming it, or dialback through its SRV records pointing here).
        shared.router().route(translated, to);
    }

    private Behavior<Command> onDeliver(Deliver d) {
        if (!established || out.closing()) {
            Components.bounce(shared.router(), d.stanza(), StanzaErrorCondition.SERVICE_UNAVAILABLE, null);
            return this;
        }
        shared.metrics().stanzaOut();
        if (LOG.isDebugEnabled()) LOG.debug("component-stanza-out domain={} stanza={}", domain, d.stanza());
        write(ComponentStreams.toComponentXml(d.stanza()));
        return this;
    }

    /** Two nodes accepted the domain at once: the one the directory does not pick steps down. */
    private Behavior<Command> onListed(Listed l) {
        var listed = l.listing().getServiceInstances(ComponentDirectory.key(domain));
        if (established && listed.size() > 1 && !self().equals(shared.directory().winner(listed))) {
            streamError(StreamErrorCondition.CONFLICT, domain + " is connected to another node");
        }
        return this;
    }

    private ActorRef<Deliver> self() {
        return getContext().getSelf().narrow();
    }

    /** A stream refused before it is established: counted by outcome, logged. */
    private void refuse(StreamErrorCondition condition, String text) {
        shared.metrics().handshake(condition.elementName());
        LOG.info("component-refused domain={} remote={} condition={}", domain, remote, condition.elementName());
        streamError(condition, text);
    }

    /** RFC 6120 §4.9.1.1: an error before our header comes after one (from the domain asked for, when known). */
    private void streamError(StreamErrorCondition condition, String text) {
        String header = headerSent ? "" : ComponentStreams.header(domain != null ? domain : shared.localDomain(),
                io.rookery.node.s2s.StreamWriter.newId());
        if (out.close(header + new StreamError(condition, text).toXml()) && established) {
            LOG.info("component-stream-error-sent domain={} condition={} text={}", domain, condition.elementName(),
                    text);
        }
    }

    private void close() {
        out.close("");
    }

    private void write(String xml) {
        out.write(xml);
    }
}
