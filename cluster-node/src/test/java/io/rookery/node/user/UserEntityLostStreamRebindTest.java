package io.rookery.node.user;

import static io.rookery.node.user.SingleNode.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.ext.ModuleStores;
import io.rookery.node.user.SingleNode.Session;
import io.rookery.persistence.sm.StreamOutbox;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xml.StoredXml;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stream lost with its node waits max-resumption-time (five minutes here) for its client to resume it; a client
 * that binds the resource afresh meanwhile (its resumption refused while the node was not yet removed) gets what the
 * stream kept at once, not five minutes later (the chaos run found such messages undelivered at its end).
 */
class UserEntityLostStreamRebindTest {
    private static final Jid STRANGER = SingleNode.jid("stranger@localhost/desk");
    private static final String DEAD_NODE = "pekko://rookery@10.0.0.9:25520";
    private static SingleNode node;
    private static StreamOutbox outbox;

    @BeforeAll
    static void start() {
        node = SingleNode.start(ConfigFactory.parseString("rookery.modules.sm.max-resumption-time = 300s"));
        ModuleStores stores = ModuleStores.inMemory();
        outbox = stores.streams();
        node.router.modules().provide(stores);
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @Test
    void aFreshBindAfterTheStreamWasReportedLostGetsWhatItKeptAtOnce() {
        Jid alice = node.newAccount("alice");
        Session old = node.bind(alice, "desk");
        String id = "sid-rebind";
        outbox.write(id, new StreamOutbox.Header(alice.toString(), "desk", 3, 1, null, 8,
                        "pekko://rookery@10.0.0.9:25520/system/session-9#9"),
                List.of(new StreamOutbox.Entry(1, StoredXml.write(chat(STRANGER, alice, "m1"))),
                        new StreamOutbox.Entry(2, StoredXml.write(chat(STRANGER, alice, "m2"))),
                        new StreamOutbox.Entry(3, StoredXml.write(chat(STRANGER, alice, "m3")))), -1)
                .toCompletableFuture().join();
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
