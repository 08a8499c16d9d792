package io.rookery.node.component;

import io.rookery.node.net.TcpServer;
import io.rookery.node.routing.Router;
import io.rookery.node.s2s.S2sStage;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xep.component.ComponentStreams;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.ParserLimits;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * XEP-0114 external components for the node, switched on by {@code rookery.components.enabled}: each configured
 * domain becomes a route of the {@link Router} on every node, which hands its stanzas to the domain's connection
 * wherever in the cluster it is ({@link ComponentDirectory}), or answers service-unavailable while none is; the
 * listener takes the components' streams ({@link ComponentStream}).
 */
public final class Components implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Components.class);
    private final TcpServer transport;
    private final TcpServer.Binding binding;

    private Components(TcpServer transport, TcpServer.Binding binding) {
        this.transport = transport;
        this.binding = binding;
    }

    /** Routes the component domains and opens the listener; call before the client listeners open. */
    public static Components start(ActorSystem<?> system, com.typesafe.config.Config config, String domain,
            Router router, io.prometheus.metrics.model.registry.PrometheusRegistry registry) throws Exception {
        ComponentSettings settings = ComponentSettings.from(config);
        ComponentMetrics metrics = new ComponentMetrics(registry);
        ComponentDirectory directory = new ComponentDirectory(ActorRefResolver.get(system));
        for (String d : settings.secrets().keySet()) {
            if (router.classify(Jid.parse(d)) != Router.Destination.REMOTE) {
                throw new IllegalArgumentException("rookery.components.domains: " + d
                        + " is already served here (the domain itself or a module's service)");
            }
            router.serveDomain(d, (stanza, to) -> {
                var connection = directory.find(d);
                if (connection != null) {
                    connection.tell(new ComponentStream.Deliver(stanza));
                } else {
                    metrics.unavailable();
                    if (LOG.isDebugEnabled()) LOG.debug("component-unavailable domain={} stanza={}", d, stanza);
                    bounce(router, stanza, StanzaErrorCondition.SERVICE_UNAVAILABLE, null);
                }
            });
        }
        system.systemActorOf(directory.follower(settings.secrets().keySet()), "component-directory", Props.empty());
        Materializer mat = Materializer.matFromSystem(system);
        TcpServer transport = new TcpServer("rookery-component-io", 1, mat, Duration.ofSeconds(5));
        ComponentStream.Shared shared = new ComponentStream.Shared(domain, settings, router, directory, metrics);
        ParserLimits limits = ParserLimits.forMaxStanzaBytes(settings.maxStanzaBytes());
        AtomicLong ids = new AtomicLong();
        TcpServer.Binding b = transport.bind(settings.iface(), settings.port(), 64, connection -> {
            S2sStage stage = new S2sStage(stageRef -> system.systemActorOf(ComponentStream.create(shared),
                    "component-" + ids.incrementAndGet(), Props.empty()), null, false, limits,
                    settings.maxOutboundBufferBytes(), connection.remoteAddress(), ComponentStreams.NS);
            connection.run(transport.graph(Flow.fromGraph(stage)));
        });
        LOG.info("component-listening address={} domains={}", b.localAddress(), settings.secrets().keySet());
        return new Components(transport, b);
    }

    /** RFC 6120 §8.3: an error reply for a message or iq request; presence, errors and results are dropped. */
    static void bounce(Router router, Element stanza, StanzaErrorCondition condition, String text) {
        String type = stanza.attr("type");
        if ("error".equals(type) || "result".equals(type) || "presence".equals(stanza.name())) return;
        router.route(Stanzas.errorReply(stanza, StanzaError.of(condition, text)));
    }

    public int port() {
        return binding.localAddress().getPort();
    }

    public TcpServer.Binding binding() {
        return binding;
    }

    @Override
    public void close() {
        transport.close();
    }
}
