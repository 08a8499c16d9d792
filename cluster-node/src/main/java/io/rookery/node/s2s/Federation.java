package io.rookery.node.s2s;

import io.rookery.node.config.RookerySettings;
import io.rookery.node.net.TcpServer;
import io.rookery.node.routing.Router;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.ParserLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-to-server streams for the node (RFC 6120 federation), switched on by {@code rookery.s2s.enabled}: remote
 * domains become a route of the {@link Router} (the {@link RemoteDomainEntity} of each domain), and the STARTTLS and
 * direct-TLS (XEP-0368) listeners take the streams remote servers open to any node of the cluster.
 */
public final class Federation implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Federation.class);
    private final S2sSettings settings;
    private final TcpServer transport;
    private final S2sResolver resolver;
    private final List<TcpServer.Binding> bindings = new ArrayList<>();
    private int starttlsPort = -1;
    private int directTlsPort = -1;

    private Federation(S2sSettings settings, TcpServer transport, S2sResolver resolver) {
        this.settings = settings;
        this.transport = transport;
        this.resolver = resolver;
    }

    /**
     * Routes remote domains through the outbound links; call before the listeners open. {@code dialbackSecret}: the
     * cluster-wide secret of XEP-0185 keys, so any node can verify a key another gave.
     */
    public static Federation start(ActorSystem<?> system, com.typesafe.config.Config config, String domain,
            Router router, Path keystore, char[] keystorePassword, byte[] dialbackSecret,
            io.prometheus.metrics.model.registry.PrometheusRegistry registry) throws Exception {
        S2sSettings settings = S2sSettings.from(config);
        S2sTls tls = new S2sTls(keystore, keystorePassword, settings);
        S2sResolver resolver = new S2sResolver(settings);
        Materializer mat = Materializer.matFromSystem(system);
        S2sMetrics metrics = new S2sMetrics(registry);
        RemoteDomainEntity.init(system, new RemoteDomainEntity.Shared(domain, settings, tls, resolver, router,
                dialbackSecret, mat, metrics));
        ClusterSharding sharding = ClusterSharding.get(system);
        org.apache.pekko.actor.typed.ActorRef<S2sOutbox.Command> outbox = system.systemActorOf(
                S2sOutbox.create(sharding, settings, router), S2sOutbox.NAME, Props.empty());
        router.routeRemote((stanza, to) -> {
            String remote = to.domain();
            if (!settings.permits(remote)) {
                bounce(router, stanza, StanzaErrorCondition.NOT_ALLOWED, "federation with " + remote
                        + " is not allowed here");
                return;
            }
            S2sOutbox.offer(outbox, RemoteDomainEntity.entityId(sourceDomain(router, stanza, domain), domain, remote),
                    stanza);
        });
        TcpServer transport = new TcpServer("rookery-s2s-io", 1, mat, Duration.ofSeconds(5));
        Federation f = new Federation(settings, transport, resolver);
        InboundStream.Shared shared = new InboundStream.Shared(domain, settings, tls, router, dialbackSecret,
                sharding, metrics);
        ParserLimits limits = ParserLimits.forMaxStanzaBytes(settings.maxStanzaBytes());
        java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();
        for (boolean direct : new boolean[] {false, true}) {
            RookerySettings.Listener l = direct ? settings.directTls() : settings.starttls();
            if (!l.enabled()) continue;
            TcpServer.Binding b = transport.bind(l.iface(), l.port(), 128, connection -> {
                if (!metrics.tryOpenInbound(settings.maxInboundStreams())) {
                    LOG.warn("s2s-in-refused address={} reason=max-inbound-streams limit={}",
                            connection.remoteAddress(), settings.maxInboundStreams());
                    connection.close();
                    return;
                }
                S2sStage stage = new S2sStage(stageRef -> system.systemActorOf(InboundStream.create(shared),
                        "s2s-in-" + ids.incrementAndGet(), Props.empty()), () -> tls.engine(false, null), direct,
                        limits, settings.maxOutboundBufferBytes(), connection.remoteAddress());
                connection.run(transport.graph(Flow.fromGraph(stage)));
            });
            f.bindings.add(b);
            if (direct) f.directTlsPort = b.localAddress().getPort();
            else f.starttlsPort = b.localAddress().getPort();
            LOG.info("s2s-listening address={} directTls={}", b.localAddress(), direct);
        }
        return f;
    }

    /** The domain of ours a stanza comes from: a service's or component's, or the served domain. */
    private static String sourceDomain(Router router, Element stanza, String served) {
        String from = stanza.attr("from");
        if (from == null) return served;
        try {
            io.rookery.protocol.jid.Jid jid = io.rookery.protocol.jid.Jid.parse(from);
            return router.classify(jid) == Router.Destination.SERVICE ? jid.domain() : served;
        } catch (io.rookery.protocol.jid.InvalidJidException e) {
            return served;
        }
    }

    private static void bounce(Router router, Element stanza, StanzaErrorCondition condition, String text) {
        String type = stanza.attr("type");
        if ("error".equals(type) || "result".equals(type) || "presence".equals(stanza.name())) return;
        router.route(Stanzas.errorReply(stanza, StanzaError.of(condition, text)));
    }

    /** The STARTTLS listener's port, -1 when it is off. */
    public int starttlsPort() {
        return starttlsPort;
    }

    public int directTlsPort() {
        return directTlsPort;
    }

    public List<TcpServer.Binding> bindings() {
        return bindings;
    }

    @Override
    public void close() {
        transport.close();
        resolver.close();
    }
}
