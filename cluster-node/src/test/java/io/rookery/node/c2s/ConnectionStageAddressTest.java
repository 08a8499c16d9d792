package io.rookery.node.c2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.config.RookerySettings;
import io.rookery.node.limits.AddressKey;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.user.SessionProtocol;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
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

/**
 * The client address reaches a connection's logic through the listener's hand-over (which relies on the logic being
 * created inside materialization), and the connection's unauthenticated slot is given back exactly once.
 */
class ConnectionStageAddressTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static ActorTestKit kit;
    private static long address;

    private final BlockingQueue<SessionClock> clocks = new LinkedBlockingQueue<>();
    private final BlockingQueue<Long> released = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        kit = ActorTestKit.create(ConfigFactory.parseString("""
                pekko.actor.provider = local
                pekko.loglevel = WARNING
                """).withFallback(ConfigFactory.load()));
        address = AddressKey.of(InetAddress.getByName("192.0.2.7"));
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void theAddressHandedOverReachesTheSessionAndAuthenticationFreesTheSlotOnce() throws Exception {
        ConnectionStage stage = new ConnectionStage(context(), false);
        Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<ByteString>> wire = run(stage);
        assertEquals(AddressKey.UNKNOWN, stage.unclaimed(), "the logic took the address while materializing");
        SessionClock clock = clocks.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(clock, "no session was spawned");
        assertEquals(address, clock.remoteAddress);

        clock.write(new ConnectionStage.Out("",
                ConnectionStage.Out.RESTART_STREAM | ConnectionStage.Out.AUTHENTICATED));
        assertEquals(address, released.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        wire.first().sendComplete();
        wire.second().expectComplete();
        assertNull(released.poll(300, TimeUnit.MILLISECONDS), "the slot was given back a second time on close");
    }

    @Test
    void aConnectionThatClosesBeforeAuthenticatingFreesItsSlot() throws Exception {
        ConnectionStage stage = new ConnectionStage(context(), false);
        Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<ByteString>> wire = run(stage);
        assertNotNull(clocks.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        wire.first().sendComplete();
        assertEquals(address, released.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertNull(released.poll(300, TimeUnit.MILLISECONDS));
    }

    private Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<ByteString>> run(ConnectionStage stage) {
        stage.handOver(address);
        Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<ByteString>> wire =
                TestSource.<ByteString>create(kit.system())
                        .via(Flow.fromGraph(stage))
                        .toMat(TestSink.create(kit.system()), Keep.both())
                        .run(kit.system());
        wire.second().request(1000);
        return wire;
    }

    private ConnectionStage.Context context() {
        RookerySettings.C2sSettings c2s = RookerySettings.from(ConfigFactory.load()).c2s();
        NodeMetrics metrics = new NodeMetrics();
        TestProbe<SessionProtocol.Message> session = kit.createTestProbe();
        return new ConnectionStage.Context() {
            private final Sweeper sweeper = new Sweeper(c2s);

            @Override public int maxStanzaBytes() { return c2s.maxStanzaBytes(); }

            @Override public int maxOutboundBytes() { return c2s.maxOutboundBufferBytes(); }

            @Override public int establishedWindow() { return c2s.inboundWindow(); }

            @Override public SSLContext sslContext() { return null; }

            @Override public Sweeper sweeper() { return sweeper; }

            @Override
            public ActorRef<SessionProtocol.Message> spawnSession(org.apache.pekko.actor.ActorRef stage,
                    SessionClock clock, boolean directTls) {
                clocks.add(clock);
                return session.ref();
            }

            @Override public NodeMetrics metrics() { return metrics; }

            @Override public void unauthenticatedEnded(long a) { released.add(a); }
        };
    }
}
