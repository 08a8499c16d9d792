package io.rookery.node.user;

import static io.rookery.node.user.SingleNode.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.ext.ModuleStores;
import io.rookery.node.user.SingleNode.Session;
import io.rookery.persistence.sm.StreamOutbox;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xml.StoredXml;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * XEP-0198 resumption after a node loss, the account's side: messages go to a session that keeps its stream as
 * {@link SessionProtocol.DeliverKept} and the session, not the account, confirms them; a stream lost with its node
 * may be resumed from what it kept until the resumption time is over, and then what its client never acknowledged
 * goes back to the account (offline storage here); a fresh session on the resource gets it at once.
 */
class UserEntityLostStreamTest {
    private static final Jid STRANGER = SingleNode.jid("stranger@localhost/desk");
    private static final String DEAD_NODE = "pekko://rookery@10.0.0.9:25520";
    private static SingleNode node;
    private static StreamOutbox outbox;

    @BeforeAll
    static void start() {
        node = SingleNode.start(ConfigFactory.parseString("rookery.modules.sm.max-resumption-time = 1s"));
        ModuleStores stores = ModuleStores.inMemory();
        outbox = stores.streams();
        node.router.modules().provide(stores);
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    /** A stream of alice/desk that kept three messages, of which its client acknowledged the first. */
    private static String keptStream(Jid alice, String owner) {
        String id = "sid-" + alice.local();
        outbox.write(id, new StreamOutbox.Header(alice.toString(), "desk", 3, 1, null, 8, owner),
                List.of(new StreamOutbox.Entry(1, StoredXml.write(chat(STRANGER, alice, "m1"))),
                        new StreamOutbox.Entry(2, StoredXml.write(chat(STRANGER, alice, "m2"))),
                        new StreamOutbox.Entry(3, StoredXml.write(chat(STRANGER, alice, "m3")))), -1)
                .toCompletableFuture().join();
        return id;
    }

    private static SessionProtocol.ResumeAnswer resume(Jid alice, String id) {
        return resume(alice, id, Duration.ofSeconds(10));
    }

    private static SessionProtocol.ResumeAnswer resume(Jid alice, String id, Duration wait) {
        TestProbe<SessionProtocol.ResumeAnswer> answer = node.testKit.createTestProbe();
        TestProbe<SessionProtocol.Message> successor = node.testKit.createTestProbe();
        node.router.user(alice).tell(new UserEntity.ResumeSession("desk", new SessionProtocol.TakeOver(alice, id, 1,
                successor.getRef(), answer.getRef())));
        return answer.expectMessageClass(SessionProtocol.ResumeAnswer.class, wait);
    }

    /** The session stops as when its node crashed; returns once its account has unbound it (death watch). */
    private static void dies(Jid alice, Session session, String id) {
        session.probe().stop();
        node.testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
            assertEquals(SessionProtocol.ResumeAnswer.RECOVER, resume(alice, id, Duration.ofMillis(300)));
            return null;
        });
    }

    @Test
    void aSessionThatKeepsItsStreamConfirmsWhatItGetsAndTheAccountDoesNot() {
        Jid alice = node.newAccount("alice");
        Session desk = node.bind(alice, "desk");
        node.becomeAvailable(desk, 0);
        var sender = node.testKit.<SessionProtocol.Message>createTestProbe();
        node.router.user(alice).tell(new UserEntity.StreamKept("desk"));
        node.router.user(alice).tell(new UserEntity.Deliver(chat(STRANGER, alice, "k1"), alice, 0, sender.getRef(),
                5, false));
        SessionProtocol.DeliverKept kept = desk.probe().expectMessageClass(SessionProtocol.DeliverKept.class);
        assertEquals("k1", kept.stanza().attr("id"));
        assertEquals(5, kept.token());
        assertEquals(sender.getRef(), kept.confirmTo());
        sender.expectNoMessage(Duration.ofMillis(300));
        // Without a waiting sender it is an ordinary delivery.
        node.router.user(alice).tell(new UserEntity.Deliver(chat(STRANGER, alice, "k2"), alice));
        assertEquals("k2", desk.nextStanza().attr("id"));
    }

    @Test
    void aLostStreamNobodyResumesHandsBackWhatItsClientNeverAcknowledged() {
        Jid alice = node.newAccount("alice");
        Session desk = node.bind(alice, "desk");
        String id = keptStream(alice, "pekko://rookery@10.0.0.9:25520/system/session-1#1");
        dies(alice, desk, id);
        node.router.user(alice).tell(new UserEntity.SessionLost("desk", DEAD_NODE, id));

        // After the resumption time (1 s here) the two unacknowledged messages are stored, the stream forgotten.
        Session laptop = node.bind(alice, "laptop");
        node.testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
            assertNull(outbox.read(id, Long.MAX_VALUE).toCompletableFuture().join());
            return null;
        });
        node.becomeAvailable(laptop, 0);
        assertEquals("m2", laptop.nextStanza().attr("id"));
        assertEquals("m3", laptop.nextStanza().attr("id"));
        // A resumption now finds nothing kept (the new stream reads the same as the account did).
        assertEquals(SessionProtocol.ResumeAnswer.RECOVER, resume(alice, id));
        assertNull(outbox.read(id, Long.MAX_VALUE).toCompletableFuture().join());
    }

    @Test
    void aResumptionInTimeTakesTheLostStreamAndNothingIsHandedBack() throws Exception {
        Jid alice = node.newAccount("alice");
        Session desk = node.bind(alice, "desk");
        String id = keptStream(alice, "pekko://rookery@10.0.0.9:25520/system/session-2#2");
        dies(alice, desk, id);
        node.router.user(alice).tell(new UserEntity.SessionLost("desk", DEAD_NODE, id));
        // No session holds the resource: the new stream is told to resume from what was kept.
        assertEquals(SessionProtocol.ResumeAnswer.RECOVER, resume(alice, id));
        Thread.sleep(2000);
        assertNotNull(outbox.read(id, Long.MAX_VALUE).toCompletableFuture().join(), "not flushed once resumed");
    }

    @Test
    void aFreshSessionOnTheResourceGetsWhatTheLostStreamKeptAtOnce() {
        Jid alice = node.newAccount("alice");
        Session old = node.bind(alice, "desk");
        String id = keptStream(alice, "pekko://rookery@10.0.0.9:25520/system/session-3#3");
        old.probe().stop();
        // The client gave up resuming and bound the resource afresh before the survivors cleaned up.
        Session fresh = node.bind(alice, "desk");
        node.becomeAvailable(fresh, 0);
        node.router.user(alice).tell(new UserEntity.SessionLost("desk", DEAD_NODE, id));
        assertEquals("m2", fresh.nextStanza().attr("id"));
        assertEquals("m3", fresh.nextStanza().attr("id"));
    }

    @Test
    void aMessageRoutedAgainAfterItWasHandledIsNotDeliveredTwice() {
        Jid alice = node.newAccount("alice");
        Session desk = node.bind(alice, "desk");
        node.becomeAvailable(desk, 0);
        var sender = node.testKit.<SessionProtocol.Message>createTestProbe();
        // Routed again (its first copy lost with a node): handled, confirmed.
        UserEntity.Deliver first = new UserEntity.Deliver(chat(STRANGER, alice, "once"), alice, 0, sender.getRef(), 3,
                false, 1);
        node.router.user(alice).tell(first);
        assertEquals("once", desk.nextStanza().attr("id"));
        assertEquals(new SessionProtocol.Handled(3), sender.expectMessageClass(SessionProtocol.Handled.class));
        // That confirmation was late too: the sender routes it a third time. Confirmed again, not delivered again.
        node.router.user(alice).tell(again(first));
        assertEquals(new SessionProtocol.Handled(3), sender.expectMessageClass(SessionProtocol.Handled.class));
        node.router.user(alice).tell(new UserEntity.Deliver(chat(STRANGER, alice, "next"), alice));
        assertEquals("next", desk.nextStanza().attr("id"), "nothing came between");
    }

    @Test
    void aMessageRoutedAgainToASessionThatKeepsItsStreamWaitsForItUnlessItIsGone() {
        Jid alice = node.newAccount("alice");
        Session desk = node.bind(alice, "desk");
        node.becomeAvailable(desk, 0);
        node.router.user(alice).tell(new UserEntity.StreamKept("desk"));
        var sender = node.testKit.<SessionProtocol.Message>createTestProbe();
        UserEntity.Deliver first = new UserEntity.Deliver(chat(STRANGER, alice, "k"), alice, 0, sender.getRef(), 4,
                false, 1);
        node.router.user(alice).tell(first);
        assertEquals("k", desk.probe().expectMessageClass(SessionProtocol.DeliverKept.class).stanza().attr("id"));
        // The session still holds the resource: it confirms once kept; the next copy is dropped.
        node.router.user(alice).tell(again(first));
        desk.probe().expectNoMessage(Duration.ofMillis(300));
        sender.expectNoMessage(Duration.ofMillis(10));
        // The session is gone (its node died before it kept it): the copy is handled as new, stored offline here.
        desk.probe().stop();
        node.testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
            node.router.user(alice).tell(again(first));
            assertEquals(new SessionProtocol.Handled(4), sender.expectMessageClass(SessionProtocol.Handled.class,
                    Duration.ofMillis(500)));
            return null;
        });
        Session laptop = node.bind(alice, "laptop");
        node.becomeAvailable(laptop, 0);
        assertEquals("k", laptop.nextStanza().attr("id"));
    }

    /** The same message routed once more by its sender. */
    private static UserEntity.Deliver again(UserEntity.Deliver d) {
        return new UserEntity.Deliver(d.stanza(), d.to(), d.routedAtMicros(), d.confirmTo(), d.token(), false,
                d.attempt() + 1);
    }

    @Test
    void aFirstCopyIsNotRememberedSoAnAccountThatSeesNoRetryKeepsNothing() {
        Jid alice = node.newAccount("alice");
        Session desk = node.bind(alice, "desk");
        node.becomeAvailable(desk, 0);
        var sender = node.testKit.<SessionProtocol.Message>createTestProbe();
        UserEntity.Deliver first = new UserEntity.Deliver(chat(STRANGER, alice, "f"), alice, 0, sender.getRef(), 6,
                false);
        node.router.user(alice).tell(first);
        assertEquals("f", desk.nextStanza().attr("id"));
        sender.expectMessageClass(SessionProtocol.Handled.class);
        // Routed again after it was handled (a confirmation slower than ack-when-stored-timeout): delivered again.
        node.router.user(alice).tell(again(first));
        assertEquals("f", desk.nextStanza().attr("id"));
    }
}
