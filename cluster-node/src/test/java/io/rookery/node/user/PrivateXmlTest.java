package io.rookery.node.user;

import static io.rookery.node.user.SingleNode.iq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.rookery.node.ext.privatexml.PrivateXmlModule;
import io.rookery.node.user.SingleNode.Session;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** XEP-0049 private XML storage: elements stored by qualified name, for the account alone. */
class PrivateXmlTest {
    private static final String PRIVATE = "jabber:iq:private";
    private static final String PREFS = "exodus:prefs";
    private static SingleNode node;

    private Jid alice;
    private Session desk;
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
        desk = node.bind(alice, "desk");
        bob = node.bind(node.newAccount("bob"), "phone");
    }

    private static Element query(Element... children) {
        Element.Builder q = Element.builder("query", PRIVATE);
        for (Element c : children) q.child(c);
        return q.build();
    }

    private static Element prefs(String nick) {
        return Element.builder("exodus", PREFS).child(Element.builder("defaultnick", PREFS).text(nick).build()).build();
    }

    private Element own(Session s, String type, String id, Element payload) {
        Element iq = Element.builder("iq", Namespaces.CLIENT).attr("from", s.jid().toString()).attr("type", type)
                .attr("id", id).child(payload).build();
        node.router.user(s.jid()).tell(new UserEntity.OwnIq(s.jid().resource(), iq));
        Element reply = s.nextStanza();
        assertEquals("iq", reply.name(), reply::toString);
        assertEquals(id, reply.attr("id"), reply::toString);
        return reply;
    }

    private static void assertError(Element reply, String condition) {
        assertEquals("error", reply.attr("type"), reply::toString);
        assertNotNull(reply.child("error", Namespaces.CLIENT).child(condition, Namespaces.STANZAS), reply::toString);
    }

    private Element stored(String id, Element asked) {
        Element reply = own(desk, "get", id, query(asked));
        assertEquals("result", reply.attr("type"), reply::toString);
        return reply.child("query", PRIVATE);
    }

    @Test
    void aGetForSomethingNeverStoredReturnsTheRequestedElementEmpty() {
        assertEquals(query(Element.of("exodus", PREFS)), stored("g1", Element.of("exodus", PREFS)));
    }

    @Test
    void aStoredElementIsReturnedAndASecondSetReplacesIt() {
        Element set = own(desk, "set", "s1", query(prefs("Hamlet")));
        assertEquals("result", set.attr("type"), set::toString);
        assertEquals(query(prefs("Hamlet")), stored("g1", Element.of("exodus", PREFS)));

        own(desk, "set", "s2", query(prefs("Macbeth")));

        assertEquals(query(prefs("Macbeth")), stored("g2", Element.of("exodus", PREFS)));
    }

    @Test
    void theSameNameInAnotherNamespaceIsAnotherElement() {
        Element other = Element.builder("exodus", "urn:example:other").attr("v", "2").build();
        own(desk, "set", "s1", query(prefs("Hamlet")));
        own(desk, "set", "s2", query(other));

        assertEquals(query(prefs("Hamlet")), stored("g1", Element.of("exodus", PREFS)));
        assertEquals(query(other), stored("g2", Element.of("exodus", "urn:example:other")));
    }

    @Test
    void aQueryWithoutAChildIsNotAcceptable() {
        assertError(own(desk, "get", "g1", query()), "not-acceptable");
        assertError(own(desk, "set", "s1", query()), "not-acceptable");
    }

    @Test
    void theReservedNamespacesAreNotAcceptable() {
        // A child written without its own xmlns is in jabber:iq:private, the query's namespace.
        assertError(own(desk, "set", "s1", query(Element.of("data", PRIVATE))), "not-acceptable");
        assertError(own(desk, "set", "s2", query(Element.of("message", Namespaces.CLIENT))), "not-acceptable");
        assertError(own(desk, "get", "g1", query(Element.of("db", "jabber:server"))), "not-acceptable");
    }

    @Test
    void aSetOverTheSizeLimitIsNotAcceptableAndStoresNothing() {
        Element big = Element.builder("exodus", PREFS).text("x".repeat(PrivateXmlModule.MAX_BYTES)).build();

        assertError(own(desk, "set", "s1", query(big)), "not-acceptable");

        assertEquals(query(Element.of("exodus", PREFS)), stored("g1", Element.of("exodus", PREFS)));
    }

    @Test
    void anotherUserMayNeitherReadNorWriteTheData() {
        own(desk, "set", "s1", query(prefs("Hamlet")));

        node.router.route(iq(bob.jid(), alice, "get", "peek", query(Element.of("exodus", PREFS))));
        Element peek = bob.nextStanza();
        assertEquals("peek", peek.attr("id"), peek::toString);
        assertError(peek, "forbidden");

        node.router.route(iq(bob.jid(), alice, "set", "forge", query(prefs("Macbeth"))));
        Element forge = bob.nextStanza();
        assertEquals("forge", forge.attr("id"), forge::toString);
        assertError(forge, "forbidden");

        assertEquals(query(prefs("Hamlet")), stored("g1", Element.of("exodus", PREFS)));
    }
}
