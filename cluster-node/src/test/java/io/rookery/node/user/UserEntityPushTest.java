package io.rookery.node.user;

import static io.rookery.node.user.SingleNode.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.user.SingleNode.Session;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.push.Push;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * XEP-0357 through the account: it learns which resource is detached from the session (and forgets it when a
 * resumption swaps sessions, or ignores it from a session no longer bound), and notifies the app server (here a
 * session of another account, addressed by full JID) only for a message that reaches a detached resource.
 */
class UserEntityPushTest {
    private static final Jid STRANGER = SingleNode.jid("stranger@localhost/desk");
    private static final Duration QUIET = Duration.ofMillis(500);
    private static SingleNode node;

    @BeforeAll
    static void start() {
        node = SingleNode.start();
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    /** The next stanza a session gets that is not presence. */
    private static Element nextNonPresence(Session s) {
        while (true) {
            Element e = s.nextStanza();
            if (!"presence".equals(e.name())) return e;
        }
    }

    @Test
    void onlyAMessageToTheDetachedResourceIsNotifiedAndAResumptionEndsIt() {
        Jid alice = node.newAccount("alice");
        Jid app = node.newAccount("app");
        Session phone = node.bind(alice, "phone");
        node.becomeAvailable(phone, 0);
        Session push = node.bind(app, "push");
        node.router.user(alice).tell(new UserEntity.OwnIq("phone", Element.builder("iq", Namespaces.CLIENT)
                .attr("type", "set").attr("id", "e1").attr("from", phone.jid().toString())
                .child(Element.builder("enable", Push.NS).attr("jid", push.jid().toString()).attr("node", "n1")
                        .build()).build()));
        assertEquals("result", nextNonPresence(phone).attr("type"));

        // Connected: the message is delivered, nothing is published.
        node.router.user(alice).tell(new UserEntity.Deliver(chat(STRANGER, alice, "m1"), alice));
        assertEquals("m1", nextNonPresence(phone).attr("id"));
        push.probe().expectNoMessage(QUIET);

        // Detached: the message still goes to the session (it keeps it for the resumption) and is notified.
        node.router.user(alice).tell(new UserEntity.ResourceDetached("phone", phone.probe().getRef()));
        node.router.user(alice).tell(new UserEntity.Deliver(chat(STRANGER, alice, "m2"), alice));
        assertEquals("m2", nextNonPresence(phone).attr("id"));
        Element publish = nextNonPresence(push);
        assertEquals(alice.toString(), publish.attr("from"));
        assertEquals("1", Push.summaryOf(publish).get("message-count"));
        assertTrue(publish.attr("id").startsWith("push-"), publish::toString);

        // Resumed by a new session: connected again.
        TestProbe<SessionProtocol.Message> resumed = node.testKit.createTestProbe();
        TestProbe<UserEntity.BindResult> swapped = node.testKit.createTestProbe();
        node.router.user(alice).tell(new UserEntity.SwapSession("phone", phone.probe().getRef(), resumed.getRef(),
                swapped.getRef()));
        swapped.expectMessageClass(UserEntity.Bound.class);
        Session again = new Session(phone.jid(), resumed);
        node.router.user(alice).tell(new UserEntity.Deliver(chat(STRANGER, alice, "m3"), alice));
        assertEquals("m3", nextNonPresence(again).attr("id"));
        push.probe().expectNoMessage(QUIET);

        // The old session saying it detached changes nothing: the resource is the new session's.
        node.router.user(alice).tell(new UserEntity.ResourceDetached("phone", phone.probe().getRef()));
        node.router.user(alice).tell(new UserEntity.Deliver(chat(STRANGER, alice, "m4"), alice));
        assertEquals("m4", nextNonPresence(again).attr("id"));
        push.probe().expectNoMessage(QUIET);
    }

    @Test
    void aDetachedSessionRegisteringWithARestartedEntityIsStillDetached() {
        Jid alice = node.newAccount("alice");
        Jid app = node.newAccount("app");
        Session push = node.bind(app, "push");
        TestProbe<SessionProtocol.Message> phone = node.testKit.createTestProbe();
        TestProbe<UserEntity.BindResult> reply = node.testKit.createTestProbe();
        Element presence = Element.builder("presence", Namespaces.CLIENT).attr("from", alice + "/phone").build();
        // As Established.onEntityStopped sends it for a session that waits to be resumed.
        node.router.user(alice).tell(new UserEntity.Reattach("phone", phone.getRef(), presence,
                io.rookery.node.ext.ResourceFlags.DETACHED, reply.getRef()));
        reply.expectMessageClass(UserEntity.Bound.class);
        Session session = new Session(SingleNode.full(alice, "phone"), phone);
        node.router.user(alice).tell(new UserEntity.OwnIq("phone", Element.builder("iq", Namespaces.CLIENT)
                .attr("type", "set").attr("id", "e1").attr("from", alice + "/phone")
                .child(Element.builder("enable", Push.NS).attr("jid", push.jid().toString()).attr("node", "n1")
                        .build()).build()));
        assertEquals("result", nextNonPresence(session).attr("type"));
        node.router.user(alice).tell(new UserEntity.Deliver(chat(STRANGER, alice, "m1"), alice));
        assertEquals("m1", nextNonPresence(session).attr("id"));
        assertEquals("n1", nextNonPresence(push).child("pubsub", "http://jabber.org/protocol/pubsub")
                .child("publish", "http://jabber.org/protocol/pubsub").attr("node"));
    }
}
