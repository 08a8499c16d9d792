package io.rookery.node.user;

import io.rookery.node.ext.ResourceFlags;
import static io.rookery.node.user.SingleNode.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.rookery.node.user.SingleNode.Session;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What keeps users reachable when the cluster moves or loses their entity or their session: the entity watches its
 * sessions (a session lost with its node is unbound, and contacts see it go), and a session registers again with a
 * restarted entity, which restores what it had without telling anyone and hands over what was stored meanwhile.
 */
class UserEntityReattachTest {
    private static final Jid STRANGER = SingleNode.jid("stranger@localhost/desk");

    private static SingleNode node;

    @BeforeAll
    static void start() {
        node = SingleNode.start();
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static Element available(Jid from, int priority) {
        return Element.builder("presence", Namespaces.CLIENT).attr("from", from.toString())
                .child(Element.builder("priority", Namespaces.CLIENT).text(Integer.toString(priority)).build())
                .build();
    }

    private UserEntity.BindResult reattach(Jid user, String resource, TestProbe<SessionProtocol.Message> session,
            Element presence, int flags) {
        TestProbe<UserEntity.BindResult> reply = node.testKit.createTestProbe();
        node.router.user(user).tell(new UserEntity.Reattach(resource, session.getRef(), presence, flags, reply.getRef()));
        return reply.expectMessageClass(UserEntity.BindResult.class);
    }

    @Test
    void aSessionThatStopsWithoutUnbindingIsUnboundAndItsSubscribersSeeItGo() {
        Jid alice = node.newAccount("alice");
        Jid bob = node.newAccount("bob");
        Session desk = node.bind(alice, "desk");
        Session phone = node.bind(bob, "phone");
        node.becomeAvailable(desk, 0);
        node.becomeAvailable(phone, 0);
        node.subscribe(phone, desk);

        // The session's actor is gone without a word, as when its node crashes.
        desk.probe().stop();

        Element gone = phone.nextStanza();
        assertEquals("presence", gone.name(), gone::toString);
        assertEquals("unavailable", gone.attr("type"), gone::toString);
        assertEquals(desk.jid().toString(), gone.attr("from"));
        // Alice has no resource now: a chat to her is stored and reaches her next session.
        Element stored = chat(STRANGER, alice, "while-away");
        node.router.route(stored);
        Session laptop = node.bind(alice, "laptop");
        node.becomeAvailable(laptop, 0);
        assertEquals("while-away", laptop.nextStanza().attr("id"));
    }

    @Test
    void aSessionLostWithItsNodeIsAnnouncedUnavailableEvenWhenTheEntityNoLongerKnowsIt() {
        Jid alice = node.newAccount("alice");
        Session desk = node.bind(alice, "desk");
        Session phone = node.bind(node.newAccount("bob"), "phone");
        node.becomeAvailable(desk, 0);
        node.becomeAvailable(phone, 0);
        node.subscribe(phone, desk);
        Session laptop = node.bind(alice, "laptop");

        // The record of a crashed node says it held alice/desk; this entity (as a restarted one would) has no such
        // resource bound, and alice/laptop is bound by a live session elsewhere.
        node.router.user(alice).tell(new UserEntity.SessionLost("desk", "pekko://rookery@10.0.0.9:25520"));
        node.router.user(alice).tell(new UserEntity.SessionLost("laptop", "pekko://rookery@10.0.0.9:25520"));

        // desk is still bound here (the record is about another node's session): only laptop's record was stale.
        Element marker = chat(STRANGER, phone.jid(), "marker");
        node.router.route(marker);
        phone.expectNext(marker);

        node.unbind(desk);
        Element gone = phone.nextStanza();
        assertEquals("unavailable", gone.attr("type"), gone::toString);
        node.router.user(alice).tell(new UserEntity.SessionLost("desk", "pekko://rookery@10.0.0.9:25520"));
        Element again = phone.nextStanza();
        assertEquals("unavailable", again.attr("type"), again::toString);
        assertEquals(desk.jid().toString(), again.attr("from"));
        laptop.probe().expectNoMessage(java.time.Duration.ofMillis(200));
    }

    @Test
    void aSessionRegisteringAgainGetsWhatWasStoredMeanwhileAndIsReachableAsBefore() {
        Jid alice = node.newAccount("alice");
        TestProbe<SessionProtocol.Message> probe = node.testKit.createTestProbe();
        Session desk = new Session(SingleNode.full(alice, "desk"), probe);
        // The entity knows no session (it restarted elsewhere), so this chat is stored.
        node.router.route(chat(STRANGER, alice, "meanwhile"));

        UserEntity.BindResult answer = reattach(alice, "desk", probe, available(desk.jid(), 1),
                ResourceFlags.CARBONS | ResourceFlags.INTERESTED);

        UserEntity.Bound bound = assertInstanceOf(UserEntity.Bound.class, answer);
        assertEquals("desk", bound.resource());
        assertNotNull(bound.entity());
        assertEquals("meanwhile", desk.nextStanza().attr("id"));
        // Available again without a new presence: a chat to the bare JID goes straight to the session.
        Element next = chat(STRANGER, alice, "after");
        node.router.route(next);
        desk.expectNext(next);
        // The carbons flag came back: a chat to another resource is copied to this one.
        Session phone = node.bind(alice, "phone");
        node.becomeAvailable(phone, 1, desk);
        Element toPhone = chat(STRANGER, phone.jid(), "to-phone");
        node.router.route(toPhone);
        phone.expectNext(toPhone);
        Element copy = desk.nextStanza();
        assertNotNull(copy.child("received", "urn:xmpp:carbons:2"), copy::toString);
    }

    @Test
    void registeringAgainTwiceIsHarmlessAndAResourceTakenMeanwhileStaysWithTheNewerSession() {
        Jid alice = node.newAccount("alice");
        TestProbe<SessionProtocol.Message> old = node.testKit.createTestProbe();
        Session fresh = node.bind(alice, "desk");

        assertInstanceOf(UserEntity.Superseded.class, reattach(alice, "desk", old, null, 0));
        assertInstanceOf(UserEntity.Bound.class, reattach(alice, "desk", fresh.probe(), null, 0));
        assertInstanceOf(UserEntity.NoAccount.class,
                reattach(SingleNode.freshJid("nobody"), "desk", old, null, 0));
    }
}
