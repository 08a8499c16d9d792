package io.rookery.node.user;

import io.rookery.protocol.xep.blocking.BlockingCommand;

import static io.rookery.node.user.SingleNode.assertServiceUnavailableReplyTo;
import static io.rookery.node.user.SingleNode.chat;
import static io.rookery.node.user.SingleNode.full;
import static io.rookery.node.user.SingleNode.iq;
import static io.rookery.node.user.SingleNode.jid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.user.SingleNode.Session;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * XEP-0191 blocking command: the blocklist commands and their pushes, and the blocker's entity keeping stanzas from
 * and to blocked JIDs apart. Alice blocks; Bob is the blocked contact, Carol the one who is not. Where a test shows
 * that nothing arrived, the marker that proves it travels the same path, so ordering, not timing, decides.
 */
class BlockingTest {
    private static final String BLOCKING = "urn:xmpp:blocking";
    private static SingleNode node;

    private Jid alice;
    private Session desk;
    private Session bob;
    private Session carol;

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
        desk = node.bind(alice, "desk");
        bob = node.bind(node.newAccount("bob"), "phone");
        carol = node.bind(node.newAccount("carol"), "phone");
        node.becomeAvailable(desk, 0);
        node.becomeAvailable(bob, 0);
        node.becomeAvailable(carol, 0);
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private Element send(Session s, String type, String id, Element payload) {
        Element iq = Element.builder("iq", Namespaces.CLIENT).attr("from", s.jid().toString()).attr("type", type)
                .attr("id", id).child(payload).build();
        node.router.user(s.jid()).tell(new UserEntity.OwnIq(s.jid().resource(), iq));
        return iq;
    }

    /** Sends the iq from the session and returns the answer, the next stanza it gets. */
    private Element own(Session s, String type, String id, Element payload) {
        send(s, type, id, payload);
        Element reply = s.nextStanza();
        assertEquals("iq", reply.name(), reply::toString);
        assertEquals(id, reply.attr("id"), reply::toString);
        return reply;
    }

    private static Element items(String name, Jid... jids) {
        Element.Builder b = Element.builder(name, BLOCKING);
        for (Jid j : jids) b.child(Element.builder("item", BLOCKING).attr("jid", j.toString()).build());
        return b.build();
    }

    private void block(Jid... jids) {
        assertEquals("result", own(desk, "set", "block-" + System.nanoTime(), items("block", jids)).attr("type"));
    }

    private void unblock(Jid... jids) {
        assertEquals("result", own(desk, "set", "unblock-" + System.nanoTime(), items("unblock", jids)).attr("type"));
    }

    private Set<String> blocklist(Session s) {
        Element reply = own(s, "get", "list-" + System.nanoTime(), Element.of("blocklist", BLOCKING));
        assertEquals("result", reply.attr("type"), reply::toString);
        return reply.child("blocklist", BLOCKING).children("item", BLOCKING).stream().map(i -> i.attr("jid"))
                .collect(Collectors.toSet());
    }

    /** Carol writes to the session's full JID: once it arrives, anything routed to Alice before it has been handled. */
    private void expectNothingMore(Session s) {
        Element marker = chat(carol.jid(), s.jid(), "marker-" + System.nanoTime());
        node.router.route(marker);
        s.expectNext(marker);
    }

    /** A message Alice's desk sends, routed as the session routes what its blocklist copy lets through. */
    private Element aliceSends(Jid to, String id) {
        Element m = chat(desk.jid(), to, id);
        node.router.route(m, to);
        return m;
    }

    /** Bob becomes a subscriber to Alice's presence (her item for him: 'from'); his session has seen her presence. */
    private void bobSubscribesToAlice() {
        node.router.user(alice).tell(new UserEntity.OutboundSubscription(Element.builder("presence", Namespaces.CLIENT)
                .attr("from", desk.jid().toString()).attr("to", bob.jid().bare().toString()).attr("type", "subscribed")
                .build(), bob.jid().bare()));
        node.router.user(bob.jid()).tell(new UserEntity.OutboundSubscription(Element.builder("presence",
                Namespaces.CLIENT).attr("from", bob.jid().toString()).attr("to", alice.toString())
                .attr("type", "subscribe").build(), alice));
        while (true) {
            Element p = bob.nextStanza();
            if ("presence".equals(p.name()) && desk.jid().toString().equals(p.attr("from")) && p.attr("type") == null) {
                return;
            }
        }
    }

    private static void assertError(Element reply, String condition) {
        assertEquals("error", reply.attr("type"), reply::toString);
        assertNotNull(reply.child("error", Namespaces.CLIENT).child(condition, Namespaces.STANZAS), reply::toString);
    }

    // ---- §3.2 - §3.5 the commands --------------------------------------------------------------------------

    @Test
    void theBlocklistStartsEmptyAndThenListsWhatWasBlocked() {
        assertEquals(Set.of(), blocklist(desk));

        block(bob.jid().bare(), carol.jid().bare());
        assertNotNull(desk.nextStanza().child("block", BLOCKING), "desk asked for the blocklist, so gets the push");

        assertEquals(Set.of(bob.jid().bare().toString(), carol.jid().bare().toString()), blocklist(desk));
        // Kept by the account, not the session.
        assertEquals(Set.of(bob.jid().bare().toString(), carol.jid().bare().toString()),
                blocklist(node.bind(alice, "phone")));
    }

    @Test
    void aBlockIsPushedToTheResourcesThatAskedForTheBlocklistOnly() {
        Session phone = node.bind(alice, "phone");
        Session tablet = node.bind(alice, "tablet");
        blocklist(desk);
        blocklist(phone);

        Element set = send(desk, "set", "b1", items("block", bob.jid().bare()));

        Element result = desk.nextStanza();
        assertEquals("result", result.attr("type"), result::toString);
        assertEquals(set.attr("id"), result.attr("id"), result::toString);
        for (Session s : new Session[] {desk, phone}) {
            Element push = s.nextStanza();
            assertEquals("set", push.attr("type"), push::toString);
            assertEquals(s.jid().toString(), push.attr("to"), push::toString);
            assertEquals(items("block", bob.jid().bare()), push.child("block", BLOCKING));
        }
        expectNothingMore(tablet);
    }

    @Test
    void unblockIsPushedWithItsItemsAndAnEmptyUnblockRemovesEverything() {
        blocklist(desk);
        block(bob.jid().bare(), carol.jid().bare());
        desk.nextStanza(); // the block push

        send(desk, "set", "u1", items("unblock", bob.jid().bare()));
        assertEquals("result", desk.nextStanza().attr("type"));
        assertEquals(items("unblock", bob.jid().bare()), desk.nextStanza().child("unblock", BLOCKING));
        assertEquals(Set.of(carol.jid().bare().toString()), blocklist(desk));

        send(desk, "set", "u2", items("unblock"));
        assertEquals("result", desk.nextStanza().attr("type"));
        assertEquals(items("unblock"), desk.nextStanza().child("unblock", BLOCKING));
        assertEquals(Set.of(), blocklist(desk));
    }

    @Test
    void aBlockWithoutItemsOrWithABadJidIsRefusedAndBlocksNothing() {
        assertError(own(desk, "set", "empty", items("block")), "bad-request");
        Element malformed = Element.builder("block", BLOCKING)
                .child(Element.builder("item", BLOCKING).attr("jid", "bad@@jid").build()).build();
        assertError(own(desk, "set", "malformed", malformed), "jid-malformed");
        Element noJid = Element.builder("block", BLOCKING).child(Element.of("item", BLOCKING)).build();
        assertError(own(desk, "set", "nojid", noJid), "bad-request");

        assertEquals(Set.of(), blocklist(desk));
    }

    // ---- §3.3 inbound ----------------------------------------------------------------------------------------

    @Test
    void aBlockedContactsMessagesAndRequestsAreAnsweredAsIfTheUserWereOfflineAndTheirPresenceIsDropped() {
        block(bob.jid().bare());

        Element toBare = chat(bob.jid(), alice, "m1");
        node.router.route(toBare);
        assertServiceUnavailableReplyTo(toBare, bob.nextStanza());
        Element toFull = chat(bob.jid(), desk.jid(), "m2");
        node.router.route(toFull);
        assertServiceUnavailableReplyTo(toFull, bob.nextStanza());
        Element vcardGet = iq(bob.jid(), alice, "get", "v1", Element.of("vCard", "vcard-temp"));
        node.router.route(vcardGet);
        assertServiceUnavailableReplyTo(vcardGet, bob.nextStanza());
        node.router.route(Element.builder("presence", Namespaces.CLIENT).attr("from", bob.jid().toString())
                .attr("to", alice.toString()).build());
        node.router.route(Element.builder("presence", Namespaces.CLIENT).attr("from", bob.jid().toString())
                .attr("to", alice.toString()).attr("type", "subscribe").build());

        // Carol is not blocked: her message arrives, and it is the first thing that does.
        Element fromCarol = chat(carol.jid(), alice, "c1");
        node.router.route(fromCarol);
        desk.expectNext(fromCarol);
        // Nothing answered Bob's presence: Carol's marker is the next thing he gets.
        Element marker = chat(carol.jid(), bob.jid(), "marker");
        node.router.route(marker);
        bob.expectNext(marker);
    }

    @Test
    void afterUnblockingTheContactsMessagesArriveAgain() {
        block(bob.jid().bare());
        Element blocked = chat(bob.jid(), alice, "while-blocked");
        node.router.route(blocked);
        assertServiceUnavailableReplyTo(blocked, bob.nextStanza());

        unblock(bob.jid().bare());

        Element after = chat(bob.jid(), alice, "after");
        node.router.route(after);
        desk.expectNext(after);
    }

    @Test
    void aFullJidItemBlocksOnlyThatResourceAndADomainItemEveryoneThere() {
        Session bobTablet = node.bind(bob.jid().bare(), "tablet");
        block(bob.jid(), jid("example.net"));

        Element fromPhone = chat(bob.jid(), alice, "phone");
        node.router.route(fromPhone);
        assertServiceUnavailableReplyTo(fromPhone, bob.nextStanza());
        node.router.user(alice).tell(new UserEntity.Deliver(chat(jid("mallory@example.net/x"), alice, "remote"), alice));
        Element fromTablet = chat(bobTablet.jid(), alice, "tablet");
        node.router.route(fromTablet);
        desk.expectNext(fromTablet);
    }

    @Test
    void jidsMatchAsInPrivacyLists() {
        Set<String> list = Set.of("bob@localhost", "carol@localhost/phone", "example.net", "other.org/res");
        assertTrue(BlockingCommand.matches(list::contains, jid("bob@localhost")));
        assertTrue(BlockingCommand.matches(list::contains, jid("bob@localhost/any")));
        assertTrue(BlockingCommand.matches(list::contains, jid("carol@localhost/phone")));
        assertFalse(BlockingCommand.matches(list::contains, jid("carol@localhost/laptop")));
        assertFalse(BlockingCommand.matches(list::contains, jid("carol@localhost")));
        assertTrue(BlockingCommand.matches(list::contains, jid("anyone@example.net/x")));
        assertTrue(BlockingCommand.matches(list::contains, jid("example.net")));
        assertTrue(BlockingCommand.matches(list::contains, jid("someone@other.org/res")));
        assertFalse(BlockingCommand.matches(list::contains, jid("someone@other.org/else")));
        assertFalse(BlockingCommand.matches(list::contains, jid("dave@localhost/phone")));
    }

    // ---- §3.3 presence to a blocked subscriber --------------------------------------------------------------

    @Test
    void aBlockedSubscriberSeesTheUserGoOfflineMissesUpdatesAndGetsThePresenceBackWhenUnblocked() {
        bobSubscribesToAlice();

        block(bob.jid().bare());
        Element unavailable = bob.nextStanza();
        assertEquals("presence", unavailable.name(), unavailable::toString);
        assertEquals("unavailable", unavailable.attr("type"), unavailable::toString);
        assertEquals(desk.jid().toString(), unavailable.attr("from"), unavailable::toString);

        Element away = Element.builder("presence", Namespaces.CLIENT).attr("from", desk.jid().toString())
                .child(Element.builder("show", Namespaces.CLIENT).text("away").build()).build();
        node.router.user(alice).tell(new UserEntity.OwnPresence(desk.jid().resource(), away));
        desk.expectPresenceFrom(desk);

        unblock(bob.jid().bare());
        Element again = bob.nextStanza();
        assertEquals("presence", again.name(), again::toString);
        assertNull(again.attr("type"), again::toString);
        assertEquals("away", again.childText("show", Namespaces.CLIENT), again::toString);
        // The away broadcast itself never reached Bob: the next thing from Alice is her message.
        Element hello = aliceSends(bob.jid().bare(), "hello");
        bob.expectNext(hello);
    }

    // ---- §3.3 outbound ---------------------------------------------------------------------------------------

    @Test
    void everyBoundSessionGetsTheBlocklistAndSubscriptionRequestsToABlockedContactAreRefused() {
        block(bob.jid().bare());
        // The session refuses messages, iq and directed presence itself (XEP-0191 §3.3), from this copy.
        assertEquals(java.util.Set.of(bob.jid().bare().toString()), desk.nextBlocklist().jids());

        node.router.user(alice).tell(new UserEntity.OutboundSubscription(Element.builder("presence", Namespaces.CLIENT)
                .attr("from", desk.jid().toString()).attr("to", bob.jid().bare().toString()).attr("type", "subscribe")
                .build(), bob.jid().bare()));
        Element subscribeError = desk.nextStanza();
        assertEquals("presence", subscribeError.name(), subscribeError::toString);
        assertError(subscribeError, "not-acceptable");
        assertNotNull(subscribeError.child("error", Namespaces.CLIENT).child("blocked", "urn:xmpp:blocking:errors"));

        unblock(bob.jid().bare());
        assertEquals(java.util.Set.of(), desk.nextBlocklist().jids());
        // The subscription request never reached Bob: the first thing he gets comes after.
        Element after = aliceSends(bob.jid().bare(), "after");
        bob.expectNext(after);
    }

    @Test
    void theUserStillWritesToContactsThatAreNotBlocked() {
        block(bob.jid().bare());

        Element hello = aliceSends(full(carol.jid(), "phone"), "hello");

        carol.expectNext(hello);
    }
}
