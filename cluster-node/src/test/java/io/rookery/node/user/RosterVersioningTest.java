package io.rookery.node.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rookery.node.user.SingleNode.Session;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** XEP-0237 roster versioning on the entity: the version moves with each change and an unchanged roster is not sent. */
class RosterVersioningTest {
    private static SingleNode node;

    @BeforeAll
    static void start() {
        node = SingleNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static Element rosterGet(Session s, String id, String ver) {
        Element iq = Element.builder("iq", Namespaces.CLIENT).attr("type", "get").attr("id", id)
                .attr("from", s.jid().toString())
                .child(Element.builder("query", Namespaces.ROSTER).attr("ver", ver).build()).build();
        node.router.user(s.jid()).tell(new UserEntity.OwnIq(s.jid().resource(), iq));
        return s.nextStanza();
    }

    private static Element rosterSet(Session s, String id, String contact) {
        Element iq = Element.builder("iq", Namespaces.CLIENT).attr("type", "set").attr("id", id)
                .attr("from", s.jid().toString())
                .child(Element.builder("query", Namespaces.ROSTER)
                        .child(Element.builder("item", Namespaces.ROSTER).attr("jid", contact).build()).build())
                .build();
        node.router.user(s.jid()).tell(new UserEntity.OwnIq(s.jid().resource(), iq));
        return s.nextStanza();
    }

    @Test
    void anUnchangedRosterIsAnsweredWithAnEmptyResultAndChangesMoveTheVersion() {
        Jid alice = node.newAccount("alice");
        Session desk = node.bind(alice, "desk");

        Element first = rosterGet(desk, "r1", "");
        Element query = first.child("query", Namespaces.ROSTER);
        assertNotNull(query, first::toString);
        String v0 = query.attr("ver");
        assertNotNull(v0, "the roster result carries a version");

        Element same = rosterGet(desk, "r2", v0);
        assertEquals("result", same.attr("type"));
        assertNull(same.child("query", Namespaces.ROSTER), "nothing changed, so no roster is sent");

        assertEquals("result", rosterSet(desk, "s1", "bob@localhost").attr("type"));
        Element push = desk.nextStanza();
        Element pushed = push.child("query", Namespaces.ROSTER);
        assertNotNull(pushed, push::toString);
        assertEquals(Long.toString(Long.parseLong(v0) + 1), pushed.attr("ver"), "the push carries the new version");

        Element changed = rosterGet(desk, "r3", v0);
        Element full = changed.child("query", Namespaces.ROSTER);
        assertNotNull(full, "an old version gets the whole roster");
        assertEquals(pushed.attr("ver"), full.attr("ver"));
        assertEquals("bob@localhost", full.children("item", Namespaces.ROSTER).get(0).attr("jid"));
    }
}
