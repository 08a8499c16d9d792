package io.rookery.node.c2s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.user.SessionProtocol;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.XmlWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
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
 * A client that stops reading: once its queued output passes max-outbound-buffer-bytes its connection is closed, and
 * every message whose bytes never left the stage goes back to the session, including those the session wrote before
 * it learnt of the drop. Messages already handed to the socket are not handed back (they would arrive twice).
 */
class ConnectionStageSlowConsumerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int MAX_OUTBOUND = 16 << 10;
    private static ActorTestKit kit;

    /** The clocks of the stages run(), from their context. */
    private BlockingQueue<SessionClock> clocks;
    private final NodeMetrics metrics = new NodeMetrics();
    private TestProbe<SessionProtocol.Message> session;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create(ConfigFactory.parseString("""
                pekko.actor.provider = local
                pekko.loglevel = WARNING
                """).withFallback(ConfigFactory.load()));
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void theMessagesOfADroppedClientThatNeverReachedTheSocketGoBackToTheSession() throws Exception {
        Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<ByteString>> wire = run();
        SessionClock clock = clocks.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        wire.second().request(1);
        clock.write(out(message(0)));
        wire.second().expectNext(); // the socket took the first one

        List<Element> unwritten = new ArrayList<>();
        int i = 1;
        // The socket takes no more: each message waits in the stage until the buffer passes its limit.
        for (int bytes = 0; bytes <= MAX_OUTBOUND; i++) {
            Element m = message(i);
            unwritten.add(m);
            bytes += xml(m).length();
            clock.write(out(m));
        }
        session.expectMessage(WAIT, SessionActor.OutputDropped.INSTANCE);
        wire.second().expectComplete();
        wire.first().expectCancellation();

        // Written before the session learnt of the drop: kept too, then all handed back at the session's DRAIN.
        for (int late = 0; late < 3; late++, i++) {
            Element m = message(i);
            unwritten.add(m);
            clock.write(out(m));
        }
        clock.write(new ConnectionStage.Out("", ConnectionStage.Out.DRAIN));
        assertEquals(new SessionActor.Undelivered(unwritten),
                session.expectMessageClass(SessionActor.Undelivered.class, WAIT));
        session.expectNoMessage(Duration.ofMillis(300));
        assertEquals(1.0, TestStageContext.counter(metrics, "xmpp_c2s_output_dropped"));
    }

    @Test
    void aConnectionThatEndsWithMessagesUnwrittenHandsThemBackBeforeSayingItIsLost() throws Exception {
        Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<ByteString>> wire = run();
        SessionClock clock = clocks.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        Element error = message(1).withAttr("type", "error");
        clock.write(out(message(0)));
        clock.write(new ConnectionStage.Out(xml(error), 0, null));
        // Both are in the stage (the socket asked for nothing) when the client goes away.
        wire.first().sendComplete();
        assertEquals(new SessionActor.Undelivered(List.of(message(0))),
                session.expectMessageClass(SessionActor.Undelivered.class, WAIT));
        session.expectMessage(WAIT, SessionActor.ConnectionLost.INSTANCE);
        assertEquals(0.0, TestStageContext.counter(metrics, "xmpp_c2s_output_dropped"));
    }

    private static Element message(int n) {
        return Element.builder("message", Namespaces.CLIENT).attr("from", "bob@localhost/phone")
                .attr("to", "alice@localhost/desk").attr("id", "m-" + n).attr("type", "chat")
                .child(Element.builder("body", Namespaces.CLIENT).text("x".repeat(1000)).build()).build();
    }

    private static String xml(Element e) {
        StringBuilder sb = new StringBuilder();
        XmlWriter.write(e, Namespaces.CLIENT, sb);
        return sb.toString();
    }

    private static ConnectionStage.Out out(Element message) {
        return new ConnectionStage.Out(xml(message), 0, List.of(message));
    }

    private Pair<TestPublisher.Probe<ByteString>, TestSubscriber.Probe<ByteString>> run() {
        session = kit.createTestProbe();
        return TestSource.<ByteString>create(kit.system())
                .via(Flow.fromGraph(new ConnectionStage(context(), false)))
                .toMat(TestSink.create(kit.system()), Keep.both())
                .run(kit.system());
    }

    private ConnectionStage.Context context() {
        TestStageContext context = new TestStageContext(metrics, session.ref(), null, null) {
            @Override
            public int maxOutboundBytes() {
                return MAX_OUTBOUND;
            }
        };
        clocks = context.clocks;
        return context;
    }
}
