package io.rookery.node.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.typesafe.config.ConfigFactory;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a user can make its own account hold is bounded, so that the account's memory and snapshot stay small:
 * roster items by count and size (not-allowed past either, for a roster set and for a subscription that would add
 * an item), private XML by its total size (not-acceptable).
 */
class AccountSizeLimitsTest {
    private static SingleNode node;

    @BeforeAll
    static void start() {
        node = SingleNode.start(ConfigFactory.parseString("""
                rookery.user.max-roster-items = 3
                rookery.user.max-roster-bytes = 1KiB
                rookery.modules.privatexml.max-total-bytes = 64KiB
                """));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static Element ownIq(SingleNode.Session s, String id, Element payload) {
        Element iq = Element.builder("iq", Namespaces.CLIENT).attr("from", s.jid().toString()).attr("type", "set")
                .attr("id", id).child(payload).build();
        node.router.user(s.jid()).tell(new UserEntity.OwnIq(s.jid().resource(), iq));
        while (true) {
            Element reply = s.nextStanza();
            if ("iq".equals(reply.name()) && id.equals(reply.attr("id"))) return reply;
        }
    }

    private static Element rosterItem(String jid, String name) {
        Element.Builder item = Element.builder("item", Namespaces.ROSTER).attr("jid", jid);
        if (name != null) item.attr("name", name);
        return Element.builder("query", Namespaces.ROSTER).child(item.build()).build();
    }

    private static void assertError(Element reply, String condition) {
        assertEquals("error", reply.attr("type"), reply::toString);
        assertNotNull(reply.child("error", Namespaces.CLIENT).child(condition, Namespaces.STANZAS), reply::toString);
    }

    @Test
    void aRosterTakesItemsUpToItsCountAndSizeThenRefusesWithNotAllowed() {
        Jid alice = node.newAccount("alice-roster");
        SingleNode.Session desk = node.bind(alice, "desk");
        // Past the byte limit on its own: a name of 1,000 characters.
        assertError(ownIq(desk, "big", rosterItem("big@example.net", "n".repeat(1000))), "not-allowed");
        for (int i = 0; i < 3; i++) {
            assertEquals("result", ownIq(desk, "r" + i, rosterItem("c" + i + "@example.net", null)).attr("type"));
        }
        assertError(ownIq(desk, "r3", rosterItem("c3@example.net", null)), "not-allowed");
        // An existing item may still change.
        assertEquals("result", ownIq(desk, "rename", rosterItem("c0@example.net", "Zero")).attr("type"));

        // A subscription to someone new would add a fourth item: refused too.
        Element subscribe = Element.builder("presence", Namespaces.CLIENT).attr("from", desk.jid().toString())
                .attr("to", "c4@example.net").attr("type", "subscribe").build();
        node.router.user(alice).tell(new UserEntity.OutboundSubscription(subscribe, SingleNode.jid("c4@example.net")));
        Element refused = desk.nextStanza();
        assertEquals("presence", refused.name(), refused::toString);
        assertError(refused, "not-allowed");
    }

    @Test
    void privateStorageRefusesASetThatWouldPassTheAccountsTotal() {
        Jid bob = node.newAccount("bob-private");
        SingleNode.Session desk = node.bind(bob, "desk");
        Element first = Element.builder("query", "jabber:iq:private")
                .child(Element.builder("one", "urn:example:one").text("x".repeat(40_000)).build()).build();
        assertEquals("result", ownIq(desk, "p1", first).attr("type"));
        Element second = Element.builder("query", "jabber:iq:private")
                .child(Element.builder("two", "urn:example:two").text("y".repeat(40_000)).build()).build();
        assertError(ownIq(desk, "p2", second), "not-acceptable");
        // Replacing the first with something of the same size is fine: it takes the old one's place.
        Element again = Element.builder("query", "jabber:iq:private")
                .child(Element.builder("one", "urn:example:one").text("z".repeat(40_000)).build()).build();
        assertEquals("result", ownIq(desk, "p3", again).attr("type"));
    }
}
