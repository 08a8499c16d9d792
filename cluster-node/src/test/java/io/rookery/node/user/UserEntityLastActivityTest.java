package io.rookery.node.user;

import static io.rookery.node.user.SingleNode.iq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.user.SingleNode.Session;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** XEP-0012 §4: the server answers last activity queries to an account's bare JID. */
class UserEntityLastActivityTest {
    private static final String LAST = "jabber:iq:last";
    private static SingleNode node;

    @BeforeAll
    static void start() {
        node = SingleNode.start();
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static Element askLast(Session from, Jid user, String id) {
        Element get = iq(from.jid(), user, "get", id, Element.of("query", LAST));
        node.router.route(get);
        return get;
    }

    /** The next iq the session gets, skipping the presence traffic of the subscription. */
    private static Element nextIq(Session s) {
        while (true) {
            Element e = s.nextStanza();
            if ("iq".equals(e.name())) return e;
        }
    }

    private static void assertError(Element reply, String id, String condition) {
        assertEquals("error", reply.attr("type"), reply::toString);
        assertEquals(id, reply.attr("id"), reply::toString);
        assertNotNull(reply.child("error", Namespaces.CLIENT).child(condition, Namespaces.STANZAS), reply::toString);
    }

    @Test
    void aSubscriberLearnsZeroWhileTheUserIsOnlineThenTheSecondsSinceTheUserLeft() throws Exception {
        Jid alice = node.newAccount("alice");
        Session bob = node.bind(node.newAccount("bob"), "phone");
        Session desk = node.bind(alice, "desk");
        node.becomeAvailable(desk, 0);
        node.becomeAvailable(bob, 0);
        // Alice pre-approves, then Bob asks: Alice's item for Bob becomes 'from' (RFC 6121 §3.4).
        node.router.user(alice).tell(new UserEntity.OutboundSubscription(Element.builder("presence", Namespaces.CLIENT)
                .attr("from", desk.jid().toString()).attr("to", bob.jid().bare().toString()).attr("type", "subscribed")
                .build(), bob.jid().bare()));
        node.router.user(bob.jid()).tell(new UserEntity.OutboundSubscription(Element.builder("presence",
                Namespaces.CLIENT).attr("from", bob.jid().toString()).attr("to", alice.toString())
                .attr("type", "subscribe").build(), alice));
        while (true) {
            Element p = bob.nextStanza();
            if ("presence".equals(p.name()) && "subscribed".equals(p.attr("type"))) break;
        }

        askLast(bob, alice, "online");
        Element online = nextIq(bob);
        assertEquals("result", online.attr("type"), online::toString);
        assertEquals(alice.toString(), online.attr("from"), online::toString);
        assertEquals("0", online.child("query", LAST).attr("seconds"), online::toString);

        node.unbind(desk);
        Thread.sleep(1_100);
        askLast(bob, alice, "offline");
        Element offline = nextIq(bob);
        assertEquals("result", offline.attr("type"), offline::toString);
        long seconds = Long.parseLong(offline.child("query", LAST).attr("seconds"));
        assertTrue(seconds >= 1 && seconds < 60, offline::toString);
    }

    @Test
    void someoneWithoutASubscriptionIsForbidden() {
        Jid alice = node.newAccount("alice");
        Session stranger = node.bind(node.newAccount("stranger"), "phone");
        Session desk = node.bind(alice, "desk");
        node.becomeAvailable(desk, 0);

        askLast(stranger, alice, "l1");
        assertError(stranger.nextStanza(), "l1", "forbidden");
    }

    @Test
    void theUserAskingWhenNoResourceWasEverAvailableGetsServiceUnavailable() {
        Jid alice = node.newAccount("alice");
        Session silent = node.bind(alice, "silent");

        Element get = iq(silent.jid(), alice, "get", "l2", Element.of("query", LAST));
        node.router.user(alice).tell(new UserEntity.OwnIq("silent", get));
        assertError(silent.nextStanza(), "l2", "service-unavailable");

        node.becomeAvailable(silent, 0);
        Element get2 = iq(silent.jid(), alice, "get", "l3", Element.of("query", LAST));
        node.router.user(alice).tell(new UserEntity.OwnIq("silent", get2));
        Element reply = silent.nextStanza();
        assertEquals("result", reply.attr("type"), reply::toString);
        assertEquals("0", reply.child("query", LAST).attr("seconds"), reply::toString);
    }
}
