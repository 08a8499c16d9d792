package io.rookery.node.user;

import static io.rookery.node.user.SingleNode.assertServiceUnavailableReplyTo;
import io.rookery.protocol.xep.ping.Ping;
import io.rookery.protocol.xep.disco.Disco;
import static io.rookery.node.user.SingleNode.chat;
import static io.rookery.node.user.SingleNode.full;
import static io.rookery.node.user.SingleNode.iq;
import static io.rookery.node.user.SingleNode.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.user.SingleNode.Session;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 6121 §8.5: what the user entity does with a stanza addressed to its user, on a cluster of one. Alice receives;
 * Bob sends from a bound session so that the error replies routed back to him can be seen.
 *
 * <p>Where a test shows that a session got nothing, it sends that session a marker afterwards and checks the marker
 * is the next thing to arrive: the entity handles stanzas in order, so nothing is left to timing.
 */
class UserEntityDeliveryTest {
    private static SingleNode node;

    private Jid alice;
    private Session bob;

    @BeforeAll
    static void start() {
        node = SingleNode.start();
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @BeforeEach
    void accounts() {
        alice = node.newAccount("alice");
        bob = node.bind(node.newAccount("bob"), "phone");
    }

    private Element marker(Session to, String id) {
        Element m = chat(bob.jid(), to.jid(), id);
        node.router.route(m);
        return m;
    }

    /** A request to one of Alice's offline resources, which always bounces (§8.5.3.2.2): Bob's marker. */
    private Element afterwards() {
        Element get = iq(bob.jid(), full(alice, "offline"), "get", "afterwards", Element.of("query", Disco.INFO));
        node.router.route(get);
        return get;
    }

    // ---- §8.5.2.1.1 message to the bare JID with available resources ---------------------------------------

    @Test
    void chatToTheBareJidGoesToTheAvailableResourceWithTheHighestPriority() {
        Session low = node.bind(alice, "low");
        Session high = node.bind(alice, "high");
        node.becomeAvailable(low, 1);
        node.becomeAvailable(high, 5, low);

        Element chat = chat(bob.jid(), alice, "c1");
        node.router.route(chat);

        high.expectNext(chat);
        low.expectNext(marker(low, "after"));
    }

    @Test
    void aMessageWithoutTypeIsNormalAndGoesToTheHighestPriorityLikeChat() {
        Session low = node.bind(alice, "low");
        Session high = node.bind(alice, "high");
        node.becomeAvailable(high, 7);
        node.becomeAvailable(low, 2, high);

        Element normal = message(bob.jid(), alice, null, "n1");
        node.router.route(normal);

        high.expectNext(normal);
        low.expectNext(marker(low, "after"));
    }

    @Test
    void chatToTheBareJidGoesToEveryResourceSharingTheHighestPriority() {
        Session a = node.bind(alice, "a");
        Session b = node.bind(alice, "b");
        Session lower = node.bind(alice, "lower");
        node.becomeAvailable(a, 3);
        node.becomeAvailable(b, 3, a);
        node.becomeAvailable(lower, 1, a, b);

        Element chat = chat(bob.jid(), alice, "c2");
        node.router.route(chat);

        a.expectNext(chat);
        b.expectNext(chat);
        lower.expectNext(marker(lower, "after"));
    }

    @Test
    void aResourceWithNegativePriorityDoesNotGetChatToTheBareJid() {
        Session negative = node.bind(alice, "negative");
        Session zero = node.bind(alice, "zero");
        // The negative one is available first and alone would be the "highest"; it must still be passed over.
        node.becomeAvailable(negative, -1);
        node.becomeAvailable(zero, 0, negative);

        Element chat = chat(bob.jid(), alice, "c3");
        node.router.route(chat);

        zero.expectNext(chat);
        negative.expectNext(marker(negative, "after"));
    }

    @Test
    void chatToTheBareJidIsStoredOfflineWhenTheOnlyAvailableResourceHasNegativePriority() {
        // §8.5.2.1.1: the server SHOULD then act as if no resource were available (§8.5.2.2): offline storage.
        Session negative = node.bind(alice, "negative");
        node.becomeAvailable(negative, -5);

        Element chat = chat(bob.jid(), alice, "c4");
        node.router.route(chat);

        assertServiceUnavailableReplyTo(afterwards(), bob.nextStanza());
        negative.expectNext(marker(negative, "after"));
        assertStoredThenDelivered(chat);
    }

    @Test
    void aBoundResourceThatHasNotSentInitialPresenceDoesNotGetChatToTheBareJid() {
        Session silent = node.bind(alice, "silent");
        Session available = node.bind(alice, "available");
        // Bound first but never sent initial presence: RFC 6121 §4.2 makes it a connected, non-available resource.
        node.becomeAvailable(available, 0);

        Element chat = chat(bob.jid(), alice, "c5");
        node.router.route(chat);

        available.expectNext(chat);
        silent.expectNext(marker(silent, "after"));
    }

    @Test
    void chatToTheBareJidIsStoredOfflineWhenTheOnlyBoundResourceHasNotSentInitialPresence() {
        Session silent = node.bind(alice, "silent");

        Element chat = chat(bob.jid(), alice, "c6");
        node.router.route(chat);

        assertServiceUnavailableReplyTo(afterwards(), bob.nextStanza());
        silent.expectNext(marker(silent, "after"));
        assertStoredThenDelivered(chat);
    }

    @Test
    void headlineToTheBareJidGoesToEveryAvailableResourceWithNonNegativePriority() {
        Session zero = node.bind(alice, "zero");
        Session three = node.bind(alice, "three");
        Session negative = node.bind(alice, "negative");
        Session silent = node.bind(alice, "silent");
        node.becomeAvailable(zero, 0);
        node.becomeAvailable(three, 3, zero);
        node.becomeAvailable(negative, -1, zero, three);

        Element headline = message(bob.jid(), alice, "headline", "h1");
        node.router.route(headline);

        zero.expectNext(headline);
        three.expectNext(headline);
        negative.expectNext(marker(negative, "after"));
        silent.expectNext(marker(silent, "after"));
    }

    @Test
    void groupchatToTheBareJidBouncesWithServiceUnavailableAndReachesNoResource() {
        Session phone = node.bind(alice, "phone");
        node.becomeAvailable(phone, 0);

        Element groupchat = message(bob.jid(), alice, "groupchat", "g1");
        node.router.route(groupchat);

        assertServiceUnavailableReplyTo(groupchat, bob.nextStanza());
        phone.expectNext(marker(phone, "after"));
    }

    // ---- §8.5.2.2 message to the bare JID with no available resource ----------------------------------------

    @Test
    void chatToABareJidWithNoAvailableResourceIsStoredAndDeliveredAtInitialPresence() {
        Element chat = chat(bob.jid(), alice, "c7");
        node.router.route(chat);

        // XEP-0160: no bounce for the chat; the first thing Bob hears back is about a later request.
        assertServiceUnavailableReplyTo(afterwards(), bob.nextStanza());
        assertStoredThenDelivered(chat);
    }

    @Test
    void manyMessagesSpooledWhileTheStoreWritesKeepTheirOrderAndOnesArrivingDuringDeliveryComeAfter() {
        // Each message waits for the store before the next is looked at; delivery reads the store in batches.
        Jid carol = node.newAccount("carol-spool");
        for (int i = 0; i < 300; i++) node.router.route(chat(bob.jid(), carol, "s" + i));
        Session phone = node.bind(carol, "phone");
        node.becomeAvailable(phone, 0);
        // Sent while the stored ones are being handed over: the entity takes it only afterwards.
        node.router.route(chat(bob.jid(), carol, "live"));
        for (int i = 0; i < 300; i++) {
            Element got = phone.nextStanza();
            assertEquals("s" + i, got.attr("id"), got::toString);
            org.junit.jupiter.api.Assertions.assertNotNull(got.child("delay", "urn:xmpp:delay"), got::toString);
        }
        Element live = phone.nextStanza();
        assertEquals("live", live.attr("id"), live::toString);
        org.junit.jupiter.api.Assertions.assertNull(live.child("delay", "urn:xmpp:delay"), live::toString);
    }

    @Test
    void anErrorMessageToABareJidWithNobodyOnlineIsDroppedWithoutABounce() {
        node.router.route(message(bob.jid(), alice, "error", "e1"));
        Element after = afterwards();

        // The first thing Bob hears back is about the later request: the error message was dropped silently.
        assertServiceUnavailableReplyTo(after, bob.nextStanza());
    }

    @Test
    void aHeadlineToABareJidWithNobodyOnlineIsDroppedWithoutABounce() {
        node.router.route(message(bob.jid(), alice, "headline", "h2"));
        Element after = afterwards();

        assertServiceUnavailableReplyTo(after, bob.nextStanza());
    }

    @Test
    void groupchatToABareJidWithNobodyOnlineBounces() {
        Element groupchat = message(bob.jid(), alice, "groupchat", "g2");
        node.router.route(groupchat);

        assertServiceUnavailableReplyTo(groupchat, bob.nextStanza());
    }

    // ---- §8.5.1 no such account ------------------------------------------------------------------------------

    @Test
    void chatToAnAccountThatDoesNotExistBouncesWithServiceUnavailable() {
        Element chat = chat(bob.jid(), SingleNode.freshJid("nobody"), "c10");
        node.router.route(chat);

        assertServiceUnavailableReplyTo(chat, bob.nextStanza());
    }

    @Test
    void anIqToAnAccountThatDoesNotExistBouncesWithServiceUnavailable() {
        Element ping = iq(bob.jid(), full(SingleNode.freshJid("nobody"), "laptop"), "get", "i1",
                Element.of("ping", Ping.NS));
        node.router.route(ping);

        assertServiceUnavailableReplyTo(ping, bob.nextStanza());
    }

    @Test
    void presenceAndErrorsToAnAccountThatDoesNotExistAreDroppedWithoutABounce() {
        Jid nobody = SingleNode.freshJid("nobody");
        node.router.route(Element.builder("presence", Namespaces.CLIENT)
                .attr("from", bob.jid().toString()).attr("to", nobody.toString()).build());
        node.router.route(message(bob.jid(), nobody, "error", "e2"));
        Element chat = chat(bob.jid(), nobody, "c11");
        node.router.route(chat);

        assertServiceUnavailableReplyTo(chat, bob.nextStanza());
    }

    // ---- §8.5.3 full JID ------------------------------------------------------------------------------------

    @Test
    void aMessageToAFullJidWhoseResourceIsOnlineGoesToExactlyThatResource() {
        Session phone = node.bind(alice, "phone");
        Session laptop = node.bind(alice, "laptop");
        node.becomeAvailable(phone, 0);
        node.becomeAvailable(laptop, 50, phone);

        Element chat = chat(bob.jid(), phone.jid(), "c12");
        node.router.route(chat);

        phone.expectNext(chat);
        laptop.expectNext(marker(laptop, "after"));
    }

    @Test
    void aMessageToAnOfflineResourceOfAnOnlineUserIsDeliveredAsIfToTheBareJid() {
        Session phone = node.bind(alice, "phone");
        node.becomeAvailable(phone, 0);

        Element chat = chat(bob.jid(), full(alice, "gone"), "c13");
        node.router.route(chat);

        phone.expectNext(chat);
    }

    @Test
    void aMessageToAnOfflineResourceOfAUserWithNoAvailableResourceIsStoredOffline() {
        Element chat = chat(bob.jid(), full(alice, "gone"), "c14");
        node.router.route(chat);

        assertServiceUnavailableReplyTo(afterwards(), bob.nextStanza());
        assertStoredThenDelivered(chat);
    }

    /** The next resource of Alice to become available with priority 0 gets the message, with a XEP-0203 stamp. */
    private void assertStoredThenDelivered(Element chat) {
        Session later = node.bind(alice, "later");
        node.becomeAvailable(later, 0);
        Element got = later.nextStanza();
        assertEquals(chat.attr("id"), got.attr("id"), got::toString);
        assertEquals(chat.childText("body", Namespaces.CLIENT), got.childText("body", Namespaces.CLIENT));
        Element delay = got.child("delay", "urn:xmpp:delay");
        org.junit.jupiter.api.Assertions.assertNotNull(delay, got::toString);
        assertEquals("localhost", delay.attr("from"));
    }

    @Test
    void groupchatToAnOfflineResourceBouncesEvenWhenAnotherResourceIsAvailable() {
        Session phone = node.bind(alice, "phone");
        node.becomeAvailable(phone, 0);

        Element groupchat = message(bob.jid(), full(alice, "gone"), "groupchat", "g3");
        node.router.route(groupchat);

        assertServiceUnavailableReplyTo(groupchat, bob.nextStanza());
        phone.expectNext(marker(phone, "after"));
    }

    @Test
    void anIqGetToAnOfflineFullJidBouncesWithServiceUnavailable() {
        Session phone = node.bind(alice, "phone");
        node.becomeAvailable(phone, 0);

        Element get = iq(bob.jid(), full(alice, "gone"), "get", "i2", Element.of("query", Disco.INFO));
        node.router.route(get);

        assertServiceUnavailableReplyTo(get, bob.nextStanza());
        phone.expectNext(marker(phone, "after"));
    }

    @Test
    void anIqToABoundFullJidGoesToThatSession() {
        Session phone = node.bind(alice, "phone");

        Element get = iq(bob.jid(), phone.jid(), "get", "i3", Element.of("query", "jabber:iq:version"));
        node.router.route(get);

        phone.expectNext(get);
    }

    // ---- §8.5.2.1.3 iq to the bare JID: the server answers for the account ----------------------------------

    @Test
    void anIqPingToABareJidIsAnsweredOnTheUsersBehalfWithAResult() {
        Element ping = iq(bob.jid(), alice, "get", "p1", Element.of("ping", Ping.NS));
        node.router.route(ping);

        Element result = bob.nextStanza();
        assertEquals("iq", result.name(), result::toString);
        assertEquals("result", result.attr("type"), result::toString);
        assertEquals("p1", result.attr("id"), result::toString);
        assertEquals(alice.toString(), result.attr("from"), result::toString);
        assertEquals(bob.jid().toString(), result.attr("to"), result::toString);
    }

    @Test
    void anIqPingToABareJidIsAnsweredByTheServerEvenWhenAResourceIsAvailable() {
        Session phone = node.bind(alice, "phone");
        node.becomeAvailable(phone, 0);

        node.router.route(iq(bob.jid(), alice, "get", "p2", Element.of("ping", Ping.NS)));

        assertEquals("result", bob.nextStanza().attr("type"));
        phone.expectNext(marker(phone, "after"));
    }

    @Test
    void discoInfoToABareJidNamesTheAccountRegisteredIdentity() {
        Element get = iq(bob.jid(), alice, "get", "d1", Element.of("query", Disco.INFO));
        node.router.route(get);

        Element result = bob.nextStanza();
        assertEquals("result", result.attr("type"), result::toString);
        assertEquals("d1", result.attr("id"), result::toString);
        Element query = result.child("query", Disco.INFO);
        assertNotNull(query, result::toString);
        Element identity = query.child("identity", Disco.INFO);
        assertNotNull(identity, result::toString);
        assertEquals("account", identity.attr("category"), result::toString);
        assertEquals("registered", identity.attr("type"), result::toString);
        assertTrue(query.children("feature", Disco.INFO).stream()
                .anyMatch(f -> Disco.INFO.equals(f.attr("var"))), result::toString);
    }

    @Test
    void anIqSetToABareJidWithAnUnknownPayloadBouncesWithServiceUnavailable() {
        Element set = iq(bob.jid(), alice, "set", "s1", Element.of("query", "urn:example:unknown"));
        node.router.route(set);

        assertServiceUnavailableReplyTo(set, bob.nextStanza());
    }

    // ---- §8.5.2.1.2 presence to the bare JID ----------------------------------------------------------------

    @Test
    void directedPresenceToTheBareJidReachesEveryAvailableResourceButNotASilentOne() {
        Session phone = node.bind(alice, "phone");
        Session laptop = node.bind(alice, "laptop");
        Session silent = node.bind(alice, "silent");
        node.becomeAvailable(phone, 0);
        node.becomeAvailable(laptop, -1, phone);

        Element presence = Element.builder("presence", Namespaces.CLIENT)
                .attr("from", bob.jid().toString()).attr("to", alice.toString()).build();
        node.router.route(presence);

        phone.expectNext(presence);
        laptop.expectNext(presence);
        silent.expectNext(marker(silent, "after"));
    }

    @Test
    void aSenderThatWaitsForItsMessageToBeKeptHearsOnceItIsDeliveredOrRefused() {
        Session desk = node.bind(alice, "desk");
        node.becomeAvailable(desk, 0);
        var sender = node.testKit.<SessionProtocol.Message>createTestProbe();
        node.router.user(alice).tell(new UserEntity.Deliver(chat(bob.jid(), alice, "m1"), alice, 0,
                sender.getRef(), 7, false));
        assertEquals("m1", desk.nextStanza().attr("id"));
        assertEquals(new SessionProtocol.Handled(7), sender.expectMessageClass(SessionProtocol.Handled.class));
        // To nobody: answered with an error, which is its handling.
        Jid nobody = SingleNode.freshJid("nobody");
        node.router.user(nobody).tell(new UserEntity.Deliver(chat(bob.jid(), nobody, "m2"), nobody, 0,
                sender.getRef(), 8, false));
        assertEquals(new SessionProtocol.Handled(8), sender.expectMessageClass(SessionProtocol.Handled.class));
        assertEquals("error", bob.nextStanza().attr("type"));
        // Not asked for: nothing is said (the one that follows, asked for, is the next thing the sender hears).
        node.router.user(alice).tell(new UserEntity.Deliver(chat(bob.jid(), alice, "m3"), alice));
        node.router.user(alice).tell(new UserEntity.Deliver(chat(bob.jid(), alice, "m4"), alice, 0,
                sender.getRef(), 9, false));
        assertEquals("m3", desk.nextStanza().attr("id"));
        assertEquals(new SessionProtocol.Handled(9), sender.expectMessageClass(SessionProtocol.Handled.class));
    }
}
