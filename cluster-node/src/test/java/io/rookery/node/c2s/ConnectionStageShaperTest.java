package io.rookery.node.c2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.user.SessionProtocol;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
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
 * The connection stage's traffic shaping, bytes in through a stream probe: a client within its burst is read on at
 * once; one past it is not read again (no demand upstream, so TCP holds it back) until the bucket has refilled, and
 * each pause is counted.
 */
class ConnectionStageShaperTest {
    /** The start of a stream header, cut before its end: the parser always wants more of it. */
    private static final String HEADER_START = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
            + "xmlns:stream='http://etherx.jabber.org/streams' version='1.0' to='localhost' xml:lang='en' ";

    private static ActorTestKit kit;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create(ConfigFactory.parseString("""
                pekko.actor.provider = local
                pekko.loglevel = WARNING
                pekko.test.single-expect-default = 10s
                """).withFallback(ConfigFactory.load()));
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    private static ByteString bytes(int n) {
        StringBuilder b = new StringBuilder(HEADER_START);
        while (b.length() < n) b.append(' ');
        if (b.length() > n) throw new IllegalArgumentException("at least " + HEADER_START.length() + " bytes");
        return ByteString.fromString(b.toString(), StandardCharsets.UTF_8);
    }

    private static ByteString spaces(int n) {
        return ByteString.fromString(" ".repeat(n), StandardCharsets.UTF_8);
    }

    @Test
    void aClientWithinItsBurstIsReadOnAtOnce() {
        NodeMetrics metrics = new NodeMetrics();
        TestPublisher.Probe<ByteString> client = run(metrics, new Shaper(1, 4096, metrics));

        client.expectRequest();
        client.sendNext(bytes(1000));
        client.expectRequest();
        client.sendNext(spaces(3000));
        client.expectRequest();
        assertEquals(0.0, TestStageContext.counter(metrics, "xmpp_c2s_shaped"));
    }

    @Test
    void aClientPastItsBurstIsNotReadUntilTheBucketRefillsAndThePauseIsCounted() {
        NodeMetrics metrics = new NodeMetrics();
        // 100 bytes over a burst of 1,000 at 100 B/s: about a second without demand.
        TestPublisher.Probe<ByteString> client = run(metrics, new Shaper(100, 1000, metrics));

        client.expectRequest();
        client.sendNext(bytes(1100));
        // The stage's one-element input buffer refills once; what comes next waits there, unread.
        client.expectRequest();
        client.sendNext(spaces(10));

        client.expectNoMessage(Duration.ofMillis(500));
        assertEquals(1.0, TestStageContext.counter(metrics, "xmpp_c2s_shaped"));
        client.expectRequest();
    }

    @Test
    void theBucketRefillsAtTheRateUpToTheBurstAndAPauseLastsUntilTheDeficitIsBackAtZero() {
        Shaper shaper = new Shaper(1024, 4096, new NodeMetrics());
        assertEquals(4096, shaper.refill(4096, TimeUnit.SECONDS.toNanos(10)), "never above the burst");
        assertEquals(-1024 + 512, shaper.refill(-1024, TimeUnit.MILLISECONDS.toNanos(500)));
        assertEquals(4096, shaper.refill(-1024, TimeUnit.DAYS.toNanos(3)), "a long silence refills it all");
        assertEquals(TimeUnit.SECONDS.toNanos(2), shaper.pauseNanos(-2048));
        assertTrue(shaper.pauseNanos(-1) >= TimeUnit.MILLISECONDS.toNanos(1), "never a busy loop of zero pauses");
    }

    private static TestPublisher.Probe<ByteString> run(NodeMetrics metrics, Shaper shaper) {
        TestProbe<SessionProtocol.Message> session = kit.createTestProbe();
        ConnectionStage.Context context = new TestStageContext(metrics, session.ref(), null, shaper);
        Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<ByteString>> wire =
                TestSource.<ByteString>create(kit.system())
                        // One element of buffer, so demand reaches the client only as the stage reads on.
                        .via(Flow.fromGraph(new ConnectionStage(context, false))
                                .addAttributes(Attributes.inputBuffer(1, 1)))
                        .toMat(TestSink.create(kit.system()), Keep.both())
                        .run(kit.system());
        wire.second().request(1000);
        return wire.first();
    }
}
