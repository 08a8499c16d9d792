package io.rookery.node.user;

import static io.rookery.node.user.SingleNode.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.user.SingleNode.Session;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Blocking, roster versioning and pre-approval switched off in configuration: the account then behaves as on a
 * server without them, as their specifications prescribe for one.
 */
class SwitchedOffModulesTest {
    private static final String BLOCKING = "urn:xmpp:blocking";
    private static SingleNode node;

    @BeforeAll
    static void start() {
        node = SingleNode.start(ConfigFactory.parseString("""
                rookery.modules.blocking.enabled = off
                rookery.modules.rosterver.enabled = off
                rookery.modules.preapproval.enabled = off
                """));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static Element own(Session s, String type, String id, Element payload) {
        Element iq = Element.builder("iq", Namespaces.CLIENT).attr("type", type).attr("id", id)
                .attr("from", s.jid().toString()).child(payload).build();
        node.router.user(s.jid()).tell(new UserEntity.OwnIq(s.jid().resource(), iq));
        Element reply = s.nextStanza();
        assertEquals(id, reply.attr("id"), reply::toString);
        return reply;
    }

    private static Element presence(Session from, Jid to, String type) {
        return Element.builder("presence", Namespaces.CLIENT).attr("from", from.jid().toString())
                .attr("to", to.toString()).attr("type", type).build();
    }

    @Test
    void withoutBlockingTheCommandsAreUnavailableAndNothingIsFiltered() {
        Session alice = node.bind(node.newAccount("alice"), "desk");
        Session bob = node.bind(node.newAccount("bob"), "phone");
        node.becomeAvailable(alice, 0);

        Element block = Element.builder("block", BLOCKING)
                .child(Element.builder("item", BLOCKING).attr("jid", bob.jid().bare().toString()).build()).build();
        Element reply = own(alice, "set", "b1", block);
        assertNotNull(reply.child("error", Namespaces.CLIENT).child("service-unavailable", Namespaces.STANZAS),
                reply::toString);

        Element hello = chat(bob.jid(), alice.jid().bare(), "hello");
        node.router.route(hello);
        alice.expectNext(hello);
    }

    @Test
    void withoutRosterVersioningResultsAndPushesCarryNoVersionAndEveryGetReturnsTheRoster() {
        Session desk = node.bind(node.newAccount("alice"), "desk");
        Element roster = own(desk, "get", "r1", Element.builder("query", Namespaces.ROSTER).attr("ver", "").build())
                .child("query", Namespaces.ROSTER);
        assertNotNull(roster);
        assertNull(roster.attr("ver"), roster::toString);

        Element set = Element.builder("query", Namespaces.ROSTER)
                .child(Element.builder("item", Namespaces.ROSTER).attr("jid", "bob@localhost").build()).build();
        assertEquals("result", own(desk, "set", "s1", set).attr("type"));
        Element push = desk.nextStanza().child("query", Namespaces.ROSTER);
        assertNotNull(push);
        assertNull(push.attr("ver"), push::toString);

        Element again = own(desk, "get", "r2", Element.builder("query", Namespaces.ROSTER).attr("ver", "1").build())
                .child("query", Namespaces.ROSTER);
        assertNotNull(again, "a version a client remembers from elsewhere still gets the roster");
        assertEquals(1, again.children("item", Namespaces.ROSTER).size());
    }

    @Test
    void withoutPreApprovalASubscribedBeforeAnyRequestIsIgnored() {
        Session alice = node.bind(node.newAccount("alice"), "desk");
        Session bob = node.bind(node.newAccount("bob"), "phone");
        node.becomeAvailable(alice, 0);
        Jid aliceJid = alice.jid().bare();
        Jid bobJid = bob.jid().bare();

        node.router.user(aliceJid).tell(new UserEntity.OutboundSubscription(presence(alice, bobJid, "subscribed"),
                bobJid));
        node.router.user(bobJid).tell(new UserEntity.OutboundSubscription(presence(bob, aliceJid, "subscribe"),
                aliceJid));

        // Not approved in advance: the request reaches Alice for her to answer.
        Element request = alice.nextStanza();
        assertEquals("presence", request.name(), request::toString);
        assertEquals("subscribe", request.attr("type"), request::toString);
        assertEquals(bobJid.toString(), request.attr("from"));
    }
}
