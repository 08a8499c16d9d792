package io.rookery.node.user;

import static io.rookery.node.user.SingleNode.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.ext.ModuleStores;
import io.rookery.node.user.SingleNode.Session;
import io.rookery.persistence.sm.StreamOutbox;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stream lost with its node waits max-resumption-time (five minutes here) for its client to resume it; a client
 * that binds the resource afresh meanwhile (its resumption refused while the node was not yet removed) gets what the
 * stream kept at once, not five minutes later, and a read of the stream that fails is tried again a few seconds
 * later (the chaos run found both kinds of messages undelivered at its end).
 */
class UserEntityLostStreamRebindTest {
    private static final Jid STRANGER = SingleNode.jid("stranger@localhost/desk");
    private static final String DEAD_NODE = "pekko://rookery@10.0.0.9:25520";
    private static SingleNode node;
    private static StreamOutbox outbox;

    @BeforeAll
    static void start() {
        node = SingleNode.start(ConfigFactory.parseString("rookery.modules.sm.max-resumption-time = 300s"));
        StreamOutbox memory = ModuleStores.inMemory().streams();
        outbox = memory;
        StreamOutbox failing = new StreamOutbox() {
            @Override
            public java.util.concurrent.CompletionStage<Void> write(String smId, Header header, List<Entry> entries,
                    long clearAbove) {
                return memory.write(smId, header, entries, clearAbove);
            }

            @Override
            public java.util.concurrent.CompletionStage<Stream> read(String smId, long above) {
                if (failReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    return java.util.concurrent.CompletableFuture.failedFuture(
                            new IllegalStateException("Query timed out (test)"));
                }
                return memory.read(smId, above);
            }

            @Override
            public java.util.concurrent.CompletionStage<List<Entry>> recent(String smId, long atOrBelow, int limit,
                    int windowSeconds) {
                return memory.recent(smId, atOrBelow, limit, windowSeconds);
            }

            @Override
            public java.util.concurrent.CompletionStage<Void> delete(String smId) {
                return memory.delete(smId);
            }
        };
        ModuleStores stores = ModuleStores.inMemory();
        node.router.modules().provide(new ModuleStores(stores.offline(), stores.archive(), failing));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    /** The in-memory outbox, whose next reads fail (as Cassandra's time out) while failReads is above zero. */
    private static final java.util.concurrent.atomic.AtomicInteger failReads =
            new java.util.concurrent.atomic.AtomicInteger();

    @Test
    void aReadOfTheLostStreamThatFailsIsTriedAgainSoonNotAfterAnotherResumptionTime() {
        Jid bob = node.newAccount("bob");
        Session old = node.bind(bob, "desk");
        String id = keep(bob, "sid-retry");
        node.router.user(bob).tell(new UserEntity.UnbindResource("desk", old.probe().getRef()));
        node.router.user(bob).tell(new UserEntity.SessionLost("desk", DEAD_NODE, id));
        failReads.set(1);
        Session fresh = node.bind(bob, "desk");
        // The first read fails; the next, LostStreams.READ_RETRY later, hands the two messages over.
        assertEquals("m2", nextStanza(fresh, Duration.ofSeconds(30)).attr("id"));
        assertEquals("m3", fresh.nextStanza().attr("id"));
        assertEquals(0, failReads.get());
    }

    private static Element nextStanza(Session s, Duration within) {
        SessionProtocol.Message m;
        do {
            m = s.probe().receiveMessage(within);
        } while (!(m instanceof SessionProtocol.Deliver));
        return ((SessionProtocol.Deliver) m).stanza();
    }

    /** A stream of user/desk that kept three messages, of which its client acknowledged the first. */
    private static String keep(Jid user, String id) {
        outbox.write(id, new StreamOutbox.Header(user.toString(), "desk", 3, 1, null, 8,
                        "pekko://rookery@10.0.0.9:25520/system/session-9#9"),
                List.of(new StreamOutbox.Entry(1, StoredXml.write(chat(STRANGER, user, "m1"))),
                        new StreamOutbox.Entry(2, StoredXml.write(chat(STRANGER, user, "m2"))),
                        new StreamOutbox.Entry(3, StoredXml.write(chat(STRANGER, user, "m3")))), -1)
                .toCompletableFuture().join();
        return id;
    }

    @Test
    void aFreshBindAfterTheStreamWasReportedLostGetsWhatItKeptAtOnce() {
        Jid alice = node.newAccount("alice");
        Session old = node.bind(alice, "desk");
        String id = keep(alice, "sid-rebind");
        // The session ends without handing its stream on, and the survivors then report the stream lost: no session
        // holds the resource, so the stream waits for its client to resume it.
        node.router.user(alice).tell(new UserEntity.UnbindResource("desk", old.probe().getRef()));
        node.router.user(alice).tell(new UserEntity.SessionLost("desk", DEAD_NODE, id));
        // Then the client, refused, binds the resource afresh: the two messages it never acknowledged come now.
        Session fresh = node.bind(alice, "desk");
        assertEquals("m2", fresh.nextStanza().attr("id"));
        assertEquals("m3", fresh.nextStanza().attr("id"));
    }
}
