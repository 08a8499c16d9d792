package io.rookery.node.s2s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.rookery.node.tls.DevCertificate;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.stream.Materializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The link's side of the outbox protocol, against a domain whose server refuses connections (so every stanza it takes
 * comes back as an error, in the order it was taken): it takes stanzas strictly in order, starting a new outbox at
 * its first unconfirmed stanza, ignores what arrives past a gap until the gap is sent again, ignores duplicates, and
 * confirms what it handled.
 */
class RemoteDomainEntityTest {
    private static ActorTestKit kit;
    private static RemoteDomainEntity.Shared shared;
    private static final LinkedBlockingQueue<Element> bounced = new LinkedBlockingQueue<>();
    private static S2sResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        kit = ActorTestKit.create(ConfigFactory.parseString("""
                pekko.actor.provider = local
                pekko.loglevel = WARNING
                """).withFallback(ConfigFactory.load()));
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Config c = ConfigFactory.parseString("rookery.s2s.hosts { \"down.test\" = [\"127.0.0.1:" + closed + "\"] }")
                .withFallback(ConfigFactory.load());
        S2sSettings settings = S2sSettings.from(c);
        Path dir = Files.createTempDirectory("s2s-entity-test");
        Path ks = DevCertificate.ensure(dir, "here.test", "changeit".toCharArray());
        resolver = new S2sResolver(settings);
        shared = new RemoteDomainEntity.Shared("here.test", settings, new S2sTls(ks, "changeit".toCharArray(),
                settings), resolver, bounced::add, new byte[32], Materializer.matFromSystem(kit.system()),
                new S2sMetrics(new io.prometheus.metrics.model.registry.PrometheusRegistry()));
    }

    @AfterAll
    static void stop() {
        resolver.close();
        kit.shutdownTestKit();
    }

    private static Element message(String body) {
        return Element.builder("message", Namespaces.CLIENT).attr("from", "me@here.test/r").attr("to", "you@down.test")
                .attr("id", body).child(Element.builder("body", Namespaces.CLIENT).text(body).build()).build();
    }

    private static List<String> bouncedIds(int n) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Element e = bounced.poll(15, TimeUnit.SECONDS);
            if (e == null) break;
            assertEquals("error", e.attr("type"));
            ids.add(e.attr("id"));
        }
        return ids;
    }

    @Test
    void stanzasAreTakenInOrderFromTheFirstUnconfirmedOneAndConfirmed() throws Exception {
        TestProbe<ClusterSharding.ShardCommand> shard = kit.createTestProbe();
        TestProbe<S2sOutbox.Command> outbox = kit.createTestProbe();
        ActorRef<RemoteDomainEntity.Command> link = kit.spawn(RemoteDomainEntity.behavior(shared, "down.test",
                shard.getRef()));
        // A new link hears of stanza 3 first, while 2 is the outbox's oldest unconfirmed one: it waits for 2.
        link.tell(new RemoteDomainEntity.Send(message("m3"), outbox.getRef(), 3, 2));
        link.tell(new RemoteDomainEntity.Send(message("m2"), outbox.getRef(), 2, 2));
        link.tell(new RemoteDomainEntity.Send(message("m3"), outbox.getRef(), 3, 2));
        link.tell(new RemoteDomainEntity.Send(message("m2"), outbox.getRef(), 2, 2));
        link.tell(new RemoteDomainEntity.Send(message("m4"), outbox.getRef(), 4, 2));
        assertEquals(List.of("m2", "m3", "m4"), bouncedIds(3));
        S2sOutbox.Ack ack = (S2sOutbox.Ack) outbox.expectMessageClass(S2sOutbox.Ack.class, Duration.ofSeconds(5));
        assertEquals(new S2sOutbox.Ack("down.test", 4), ack);
        // A duplicate of what was handled is not handled again, but confirmed again.
        link.tell(new RemoteDomainEntity.Send(message("m3"), outbox.getRef(), 3, 3));
        assertEquals(new S2sOutbox.Ack("down.test", 4), outbox.expectMessageClass(S2sOutbox.Ack.class,
                Duration.ofSeconds(5)));
        assertEquals(null, bounced.poll(500, TimeUnit.MILLISECONDS));
    }
}
