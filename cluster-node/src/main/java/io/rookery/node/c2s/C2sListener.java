package io.rookery.node.c2s;

import io.rookery.node.config.RookerySettings;
import io.rookery.node.limits.AddressKey;
import io.rookery.node.limits.RateLimitedLog;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.user.SessionProtocol;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StreamError;
import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.xml.StreamHeader;
import java.util.concurrent.atomic.AtomicLong;
import io.rookery.protocol.xml.ParserLimits;
import javax.net.ssl.SSLContext;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.RunnableGraph;
import org.apache.pekko.stream.Materializer;
import io.rookery.node.net.TcpServer;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds a client listener: each accepted connection gets one {@link ConnectionStage} and one session actor, unless
 * its address already has {@code rookery.c2s.max-unauthenticated-per-address} connections that have not completed
 * SASL (both listeners of the node count together).
 */
public final class C2sListener implements ConnectionStage.Context {
    private static final Logger LOG = LoggerFactory.getLogger(C2sListener.class);
    static final String REFUSAL_TEXT = "too many unauthenticated connections from this address";

    private final ActorSystem<?> system;
    private final RookerySettings.C2sSettings settings;
    private final SSLContext sslContext;
    private final Sweeper sweeper;
    private final SessionServices services;
    private final AtomicLong sessionIds = new AtomicLong();
    private final Shaper shaper;
    private final ParserLimits limitsBeforeAuth;
    private final ParserLimits limitsAfterAuth;
    private final UnauthenticatedConnections unauthenticated;
    private final RateLimitedLog refusedLog = new RateLimitedLog();
    private final ParseBudget parseBudget;
    private final TcpServer transport;

    public C2sListener(ActorSystem<?> system, RookerySettings.C2sSettings settings, SSLContext sslContext,
            Sweeper sweeper, SessionServices services) throws java.io.IOException {
        this.system = system;
        this.transport = new TcpServer("rookery-c2s-io", settings.ioThreads(), Materializer.matFromSystem(system),
                settings.closeTimeout());
        this.settings = settings;
        this.sslContext = sslContext;
        this.sweeper = sweeper;
        this.services = services;
        this.limitsBeforeAuth = limits(maxStanzaBytesBeforeAuth());
        this.limitsAfterAuth = limits(settings.maxStanzaBytes());
        this.shaper = settings.shaperBytesPerSecond() == 0 ? null
                : new Shaper(settings.shaperBytesPerSecond(), settings.shaperBurstBytes(), services.metrics());
        this.unauthenticated = new UnauthenticatedConnections(settings.maxUnauthenticatedPerAddress());
        this.parseBudget = ParseBudget.of(settings.parseBudgetBytes());
        services.metrics().gauge("xmpp_c2s_parse_budget_used_bytes", "Heap reserved by connections' unfinished "
                + "stanzas beyond their free share, out of rookery.c2s.parse-budget", null,
                cb -> cb.call(parseBudget.used()));
        sweeper.alsoSweep(services.authThrottle()::sweep);
        sweeper.alsoOnShutdown(services::endResumable);
    }

    /**
     * Listens for clients: every connection runs the same graph, this listener's {@link ConnectionStage} joined with
     * the transport's socket stage, built once here and materialized per connection.
     */
    public TcpServer.Binding bind(RookerySettings.Listener listener, boolean directTls) throws java.io.IOException {
        ConnectionStage stage = new ConnectionStage(this, directTls);
        RunnableGraph<NotUsed> perConnection = transport.graph(Flow.fromGraph(stage));
        return transport.bind(listener.iface(), listener.port(), settings.acceptBacklog(),
                connection -> accept(connection, stage, perConnection, directTls));
    }

    /** Stops the transport's threads and closes what is still connected; at the very end of a shutdown. */
    public void close() {
        transport.close();
    }

    /** On the accepting thread, one connection at a time: the hand-overs to the stages are never shared. */
    private void accept(TcpServer.Accepted connection, ConnectionStage stage, RunnableGraph<NotUsed> perConnection,
            boolean directTls) {
        java.net.InetSocketAddress remote = connection.remoteAddress();
        java.net.InetAddress ip = remote == null ? null : remote.getAddress();
        long address = ip == null ? AddressKey.UNKNOWN : AddressKey.of(ip);
        if (!unauthenticated.tryAcquire(address)) {
            refuse(connection, address, directTls);
            return;
        }
        stage.handOver(address);
        try {
            connection.run(perConnection);
        } catch (RuntimeException e) {
            unauthenticated.release(address);
            stage.unclaimed();
            throw e;
        }
        if (stage.unclaimed() != AddressKey.UNKNOWN) {
            // The materializer no longer creates logics inside run: addresses would go to the wrong connections.
            // Never seen with Pekko 1.2; the slot is given back so that the address is not locked out.
            unauthenticated.release(address);
            LOG.error("c2s-address-handover-failed address={}", AddressKey.format(address));
        }
    }

    /**
     * XEP-0205 §4.1 (which RFC 6120 §13.12 points to): a connection past the limit must not proceed, and no XMPP
     * error is required. On the STARTTLS port one costs nothing and tells a client why, so that it backs off rather
     * than reconnecting at once: our stream header (RFC 6120 §4.9.1.1 wants it even before the client's) and
     * policy-violation (§4.9.3.12) with the policy in the text. On the direct TLS port nothing can be said
     * without a TLS handshake, whose cost is what the limit saves: that connection is closed at once.
     */
    private void refuse(TcpServer.Accepted connection, long address, boolean directTls) {
        NodeMetrics metrics = services.metrics();
        metrics.listener(directTls).refusedUnauthenticated();
        long lines = refusedLog.event(System.nanoTime());
        if (lines > 0) {
            LOG.warn("c2s-connection-refused listener={} address={} reason=unauthenticated-per-address limit={}"
                    + " refused-since-last-line={}", directTls ? "direct_tls" : "starttls", AddressKey.format(address),
                    unauthenticated.max(), lines);
        }
        if (directTls) {
            connection.close();
            return;
        }
        metrics.streamError(StreamErrorCondition.POLICY_VIOLATION.elementName());
        Source<ByteString, NotUsed> answer = Source.single(ByteString.fromString(
                new StreamHeader(null, services.domain(), services.newStreamId(), "1.0", "en", Namespaces.CLIENT)
                        .toOpeningXml()
                        + new StreamError(StreamErrorCondition.POLICY_VIOLATION, REFUSAL_TEXT).toXml()
                        + "</stream:stream>"));
        // Whatever the client sends is read and dropped; the connection closes once the answer is written.
        connection.run(transport.graph(Flow.fromSinkAndSource(Sink.ignore(), answer)));
    }

    /**
     * A web transport's connection or session (WebSocket, RFC 7395; BOSH, XEP-0206) from that address may start: one
     * of its address's unauthenticated connections, counted with the TCP listeners' (the stage gives the slot back).
     * False when the address has max-unauthenticated-per-address open already: the request is refused (counted
     * and logged as on TCP).
     */
    public boolean admitWeb(long address, NodeMetrics.Listener metrics) {
        if (unauthenticated.tryAcquire(address)) return true;
        metrics.refusedUnauthenticated();
        long lines = refusedLog.event(System.nanoTime());
        if (lines > 0) {
            LOG.warn("c2s-connection-refused listener={} address={} reason=unauthenticated-per-address "
                    + "limit={} refused-since-last-line={}", metrics.name(), AddressKey.format(address),
                    unauthenticated.max(), lines);
        }
        return false;
    }

    /** The stage of one admitted web connection or session ({@link #admitWeb}). */
    public ConnectionStage webStage(long address, NodeMetrics.Listener metrics) {
        return ConnectionStage.web(this, address, metrics);
    }

    /** The domain this node serves. */
    public String domain() {
        return services.domain();
    }

    @Override
    public void unauthenticatedEnded(long address) {
        unauthenticated.release(address);
    }

    @Override
    public int maxStanzaBytes() {
        return settings.maxStanzaBytes();
    }

    @Override
    public int maxStanzaBytesBeforeAuth() {
        return Math.min(settings.maxStanzaBytesBeforeAuth(), settings.maxStanzaBytes());
    }

    @Override
    public ParserLimits parserLimits(boolean authenticated) {
        return authenticated ? limitsAfterAuth : limitsBeforeAuth;
    }

    private ParserLimits limits(int maxStanzaBytes) {
        return ParserLimits.forMaxStanzaBytes(maxStanzaBytes).withMaxAttributes(settings.maxAttributesPerElement())
                .withMaxNamespaceDeclarations(settings.maxNamespaceDeclarationsPerElement());
    }

    @Override
    public ParseBudget parseBudget() {
        return parseBudget;
    }

    @Override
    public int maxOutboundBytes() {
        return settings.maxOutboundBufferBytes();
    }

    @Override
    public int establishedWindow() {
        return settings.inboundWindow();
    }

    @Override
    public Shaper shaper() {
        return shaper;
    }

    @Override
    public SSLContext sslContext() {
        return sslContext;
    }

    @Override
    public Sweeper sweeper() {
        return sweeper;
    }

    @Override
    public NodeMetrics metrics() {
        return services.metrics();
    }

    @Override
    public ActorRef<SessionProtocol.Message> spawnSession(org.apache.pekko.actor.ActorRef stage, SessionClock clock,
            boolean directTls) {
        return spawnSession(stage, clock, services.metrics().listener(directTls));
    }

    @Override
    public ActorRef<SessionProtocol.Message> spawnSession(org.apache.pekko.actor.ActorRef stage, SessionClock clock,
            NodeMetrics.Listener listener) {
        // The typed guardian refuses top-level actors from outside; sessions live under /system, created at once.
        return system.systemActorOf(SessionActor.create(services, clock, clock, listener),
                "c2s-" + sessionIds.incrementAndGet(), Props.empty());
    }
}
