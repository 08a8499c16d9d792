package io.rookery.node.ext.muc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.SingleNode;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.muc.Muc;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A room entity on one node with the in-memory journal, driven with stanzas as sessions route them. */
class RoomEntityTest {
    private static SingleNode node;

    @BeforeAll
    static void start() {
        node = SingleNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static Jid jid(String s) {
        return Jid.parseOrNull(s);
    }

    private static Element next(TestProbe<SessionProtocol.Message> probe) {
        SessionProtocol.Message m = probe.receiveMessage(Duration.ofSeconds(10));
        return ((SessionProtocol.Deliver) m).stanza();
    }

    @Test
    void theCreatorEntersANewRoomAsItsOwnerWithStatus201() {
        TestProbe<SessionProtocol.Message> alice = node.testKit.createTestProbe();
        Element join = Element.builder("presence", Namespaces.CLIENT).attr("from", "alice@localhost/desk")
                .attr("to", "coven@conference.localhost/alice").child(Element.of("x", Muc.NS)).build();
        node.router.route(join, jid("coven@conference.localhost/alice"), alice.getRef());
        Element self = next(alice);
        assertEquals("presence", self.name(), self::toString);
        Element x = self.child("x", Muc.USER);
        assertNotNull(x, self::toString);
        assertEquals("owner", x.child("item", Muc.USER).attr("affiliation"), self::toString);
        assertEquals("110", x.children("status", Muc.USER).get(0).attr("code"));
        Element subject = next(alice);
        assertEquals("message", subject.name(), subject::toString);
    }

    @Test
    void aLockedRoomRefusesOthersWithItemNotFound() {
        TestProbe<SessionProtocol.Message> alice = node.testKit.createTestProbe();
        TestProbe<SessionProtocol.Message> bob = node.testKit.createTestProbe();
        node.router.route(Element.builder("presence", Namespaces.CLIENT).attr("from", "alice@localhost/desk")
                .attr("to", "locked@conference.localhost/alice").child(Element.of("x", Muc.NS)).build(),
                jid("locked@conference.localhost/alice"), alice.getRef());
        next(alice);
        next(alice);
        node.router.route(Element.builder("presence", Namespaces.CLIENT).attr("from", "bob@localhost/desk")
                .attr("id", "j1").attr("to", "locked@conference.localhost/bob").child(Element.of("x", Muc.NS)).build(),
                jid("locked@conference.localhost/bob"), bob.getRef());
        Element error = next(bob);
        assertEquals("error", error.attr("type"), error::toString);
        assertEquals("locked@conference.localhost/bob", error.attr("from"), error::toString);
        assertEquals("bob@localhost/desk", error.attr("to"), error::toString);
    }
}
