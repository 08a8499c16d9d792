package io.rookery.node.c2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.ConfigFactory;
import io.rookery.node.config.RookerySettings;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.tls.DevCertificate;
import io.rookery.node.user.SessionProtocol;
import io.rookery.protocol.tls.TlsBufferPool;
import io.rookery.protocol.tls.TlsCodec;
import io.rookery.protocol.tls.TlsContexts;
import io.rookery.protocol.tls.TlsException;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The connection stage with its real TLS codec, bytes in and out through stream probes, a probe as the session. */
class ConnectionStageTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final char[] PASSWORD = "stage-test".toCharArray();
    private static final int ALERT = 21;

    private static ActorTestKit kit;
    private static SSLContext server;
    private static SSLContext client;

    @BeforeAll
    static void start() throws Exception {
        kit = ActorTestKit.create(ConfigFactory.parseString("""
                pekko.actor.provider = local
                pekko.loglevel = WARNING
                """).withFallback(ConfigFactory.load()));
        Path dir = Files.createTempDirectory("rookery-stage-tls");
        Path keystore = DevCertificate.ensure(dir, "localhost", PASSWORD);
        server = TlsContexts.serverContext(keystore, PASSWORD);
        client = TlsContexts.clientContextTrusting(keystore, PASSWORD);
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void aTls12RenegotiationClosesTheConnectionAndIsCountedAndLogged() throws Exception {
        NodeMetrics metrics = new NodeMetrics();
        TestProbe<SessionProtocol.Message> session = kit.createTestProbe();
        Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<ByteString>> wire = run(metrics, session.ref());
        SSLEngine engine = client.createSSLEngine();
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {"TLSv1.2"});
        TlsCodec codec = new TlsCodec(engine, TlsBufferPool.shared());
        ListAppender<ILoggingEvent> logs = capture();

        handshake(codec, wire);
        session.expectMessageClass(SessionActor.TlsEstablished.class, WAIT);
        engine.beginHandshake();
        wire.first().sendNext(ByteString.fromArray(codec.wrap(new byte[0], 0, 0).netOut()));

        ByteString answer = wire.second().expectNext(WAIT);
        assertEquals(ALERT, answer.apply(0), "a close_notify, not a ServerHello");
        wire.second().expectComplete();
        session.expectMessage(WAIT, SessionActor.ConnectionLost.INSTANCE);
        assertEquals(1.0, counter(metrics, "xmpp_c2s_tls_renegotiations_refused"));
        assertEquals(1.0, counter(metrics, "xmpp_c2s_tls_handshakes"), "one handshake, the successful first one");
        assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage()
                .equals("tls-renegotiation-refused listener=direct_tls")), logs.list::toString);
    }

    /** Runs the client's handshake against the stage until the client has finished it. */
    private static void handshake(TlsCodec codec,
            Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<ByteString>> wire) throws TlsException {
        byte[] toServer = codec.wrap(new byte[0], 0, 0).netOut();
        while (!codec.handshakeComplete()) {
            if (toServer.length > 0) wire.first().sendNext(ByteString.fromArray(toServer));
            byte[] fromServer = wire.second().expectNext(WAIT).toArray();
            toServer = codec.unwrap(fromServer, 0, fromServer.length).netOut();
        }
    }

    private static Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<ByteString>> run(NodeMetrics metrics,
            ActorRef<SessionProtocol.Message> session) {
        RookerySettings.C2sSettings c2s = RookerySettings.from(ConfigFactory.load()).c2s();
        ConnectionStage.Context context = new ConnectionStage.Context() {
            private final Sweeper sweeper = new Sweeper(c2s);

            @Override public int maxStanzaBytes() { return c2s.maxStanzaBytes(); }

            @Override public int maxOutboundBytes() { return c2s.maxOutboundBufferBytes(); }

            @Override public int establishedWindow() { return c2s.inboundWindow(); }

            @Override public SSLContext sslContext() { return server; }

            @Override public Sweeper sweeper() { return sweeper; }

            @Override
            public ActorRef<SessionProtocol.Message> spawnSession(org.apache.pekko.actor.ActorRef stage,
                    SessionClock clock, boolean directTls) {
                return session;
            }

            @Override public NodeMetrics metrics() { return metrics; }

            @Override public void unauthenticatedEnded(long address) {}
        };
        Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<ByteString>> wire =
                TestSource.<ByteString>create(kit.system())
                        .via(Flow.fromGraph(new ConnectionStage(context, true)))
                        .toMat(TestSink.create(kit.system()), Keep.both())
                        .run(kit.system());
        wire.second().request(1000);
        return wire;
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(ConnectionStage.class)).addAppender(appender);
        return appender;
    }

    /** A counter's value summed over its labels; counters are named without {@code _total} in snapshots. */
    private static double counter(NodeMetrics metrics, String name) {
        double sum = 0;
        for (MetricSnapshot s : metrics.registry().scrape()) {
            if (s.getMetadata().getName().equals(name) && s instanceof CounterSnapshot c) {
                for (var p : c.getDataPoints()) sum += p.getValue();
            }
        }
        return sum;
    }
}
