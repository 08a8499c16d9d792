package io.rookery.node.user;

import static io.rookery.node.user.SingleNode.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rookery.node.user.SingleNode.Session;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The user's own sessions: resource binding (RFC 6120 §7.7.2.2) and the user's own presence broadcast to the user's
 * available resources (RFC 6121 §4.2.2, §4.4.2, §4.5.2).
 */
class UserEntitySessionsTest {
    private static final Jid STRANGER = SingleNode.jid("stranger@localhost/desk");

    private static SingleNode node;

    private Jid alice;

    @BeforeAll
    static void start() {
        node = SingleNode.start();
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @BeforeEach
    void account() {
        alice = node.newAccount("alice");
    }

    /** A chat to the session's full JID; it arrives next if nothing else was sent to the session before it. */
    private Element marker(Session to) {
        Element m = chat(STRANGER, to.jid(), "marker");
        node.router.route(m);
        return m;
    }

    private static Element presence(Session from, String type, String show) {
        Element.Builder b = Element.builder("presence", Namespaces.CLIENT).attr("from", from.jid().toString());
        if (type != null) b.attr("type", type);
        if (show != null) b.child(Element.builder("show", Namespaces.CLIENT).text(show).build());
        return b.build();
    }

    // ---- own presence ----------------------------------------------------------------------------------------

    @Test
    void availablePresenceFromOneResourceGoesToEveryAvailableResourceAddressedToEach() {
        Session phone = node.bind(alice, "phone");
        Session laptop = node.bind(alice, "laptop");
        Session silent = node.bind(alice, "silent");
        node.becomeAvailable(phone, 0);
        node.becomeAvailable(laptop, 0, phone);

        Element away = presence(phone, null, "away");
        node.router.user(alice).tell(new UserEntity.OwnPresence("phone", away));

        Element toPhone = phone.nextStanza();
        Element toLaptop = laptop.nextStanza();
        assertEquals(away.withAttr("to", phone.jid().toString()), toPhone);
        assertEquals(away.withAttr("to", laptop.jid().toString()), toLaptop);
        assertEquals("away", toLaptop.childText("show", Namespaces.CLIENT));
        silent.expectNext(marker(silent));
    }

    @Test
    void initialPresenceComesBackToTheResourceThatSentIt() {
        Session phone = node.bind(alice, "phone");

        Element initial = presence(phone, null, null);
        node.router.user(alice).tell(new UserEntity.OwnPresence("phone", initial));

        assertEquals(initial.withAttr("to", phone.jid().toString()), phone.nextStanza());
    }

    @Test
    void unbindingAnAvailableResourceBroadcastsUnavailableToTheOthers() {
        Session phone = node.bind(alice, "phone");
        Session laptop = node.bind(alice, "laptop");
        node.becomeAvailable(phone, 0);
        node.becomeAvailable(laptop, 0, phone);

        node.unbind(laptop);

        Element unavailable = phone.nextStanza();
        assertEquals("presence", unavailable.name(), unavailable::toString);
        assertEquals("unavailable", unavailable.attr("type"), unavailable::toString);
        assertEquals(laptop.jid().toString(), unavailable.attr("from"), unavailable::toString);
        assertEquals(phone.jid().toString(), unavailable.attr("to"), unavailable::toString);
    }

    @Test
    void unbindingAResourceThatNeverSentPresenceBroadcastsNothing() {
        Session phone = node.bind(alice, "phone");
        Session silent = node.bind(alice, "silent");
        node.becomeAvailable(phone, 0);

        node.unbind(silent);

        phone.expectNext(marker(phone));
    }

    @Test
    void unavailablePresenceGoesToEveryAvailableResourceAndEndsBareJidDeliveryToTheSender() {
        Session high = node.bind(alice, "high");
        Session low = node.bind(alice, "low");
        node.becomeAvailable(high, 5);
        node.becomeAvailable(low, 1, high);

        Element unavailable = presence(high, "unavailable", null);
        node.router.user(alice).tell(new UserEntity.OwnPresence("high", unavailable));

        assertEquals(unavailable.withAttr("to", high.jid().toString()), high.nextStanza());
        assertEquals(unavailable.withAttr("to", low.jid().toString()), low.nextStanza());

        Element chat = chat(STRANGER, alice, "c1");
        node.router.route(chat);
        low.expectNext(chat);
        high.expectNext(marker(high));
    }

    @Test
    void aNewPriorityInLaterPresenceMovesBareJidChatToThatResource() {
        Session phone = node.bind(alice, "phone");
        Session laptop = node.bind(alice, "laptop");
        node.becomeAvailable(phone, 1);
        node.becomeAvailable(laptop, 2, phone);

        node.becomeAvailable(phone, 10, laptop);
        Element chat = chat(STRANGER, alice, "c2");
        node.router.route(chat);

        phone.expectNext(chat);
        laptop.expectNext(marker(laptop));
    }

    // ---- binding ---------------------------------------------------------------------------------------------

    @Test
    void bindingTheSameResourceFromASecondSessionKicksTheFirstWithResourceConflict() {
        Session first = node.bind(alice, "phone");
        Session laptop = node.bind(alice, "laptop");
        node.becomeAvailable(first, 0);
        node.becomeAvailable(laptop, 0, first);

        Session second = node.bind(alice, "phone");

        first.expectKicked(SessionProtocol.Kick.RESOURCE_CONFLICT);
        // The replaced session was available, so the others learn that it went away.
        Element unavailable = laptop.nextStanza();
        assertEquals("unavailable", unavailable.attr("type"), unavailable::toString);
        assertEquals(first.jid().toString(), unavailable.attr("from"), unavailable::toString);

        Element chat = chat(STRANGER, first.jid(), "c3");
        node.router.route(chat);
        second.expectNext(chat);
    }

    @Test
    void theReplacedSessionUnbindingLaterDoesNotUnbindItsSuccessor() {
        Session first = node.bind(alice, "phone");
        Session second = node.bind(alice, "phone");
        first.expectKicked(SessionProtocol.Kick.RESOURCE_CONFLICT);

        // What a kicked session does as it closes.
        node.unbind(first);
        Element chat = chat(STRANGER, second.jid(), "c4");
        node.router.route(chat);

        second.expectNext(chat);
    }

    @Test
    void theNewSessionForAResourceIsNotAvailableUntilItSendsPresence() {
        Session first = node.bind(alice, "phone");
        node.becomeAvailable(first, 0);
        Session second = node.bind(alice, "phone");
        first.expectKicked(SessionProtocol.Kick.RESOURCE_CONFLICT);

        // Headline reaches every available resource (RFC 6121 §8.5.2.1.1); the successor inherited no presence.
        node.router.route(SingleNode.message(STRANGER, alice, "headline", "h1"));

        second.expectNext(marker(second));
    }
}
