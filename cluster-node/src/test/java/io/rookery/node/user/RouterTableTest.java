package io.rookery.node.user;

import static io.rookery.node.user.SingleNode.iq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rookery.node.routing.Router;
import io.rookery.node.routing.Router.Destination;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The router's table: services and remote domains are routes registered on it, not branches inside it. */
class RouterTableTest {
    private static SingleNode node;

    @BeforeAll
    static void start() {
        node = SingleNode.start();
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static Element message(Jid from, String to) {
        return Element.builder("message", Namespaces.CLIENT).attr("from", from.toString()).attr("to", to)
                .attr("type", "chat").child(Element.builder("body", Namespaces.CLIENT).text("hi").build()).build();
    }

    @Test
    void addressesFallIntoTheColumnsOfTheTable() {
        Router router = node.router;
        router.serve("rooms.localhost", (stanza, to) -> { });
        assertEquals(Destination.SERVER, router.classify(SingleNode.jid("localhost")));
        assertEquals(Destination.SERVER, router.classify(SingleNode.jid("localhost/admin")));
        assertEquals(Destination.ACCOUNT, router.classify(SingleNode.jid("juliet@localhost/balcony")));
        assertEquals(Destination.SERVICE, router.classify(SingleNode.jid("lobby@rooms.localhost/romeo")));
        assertEquals(Destination.REMOTE, router.classify(SingleNode.jid("romeo@montague.example")));
        assertThrows(IllegalArgumentException.class, () -> router.serve("montague.example", (s, t) -> { }));
    }

    @Test
    void aServiceSubdomainGetsEveryKindOfStanzaThroughTheRouteItsModuleRegistered() throws Exception {
        BlockingQueue<Element> room = new LinkedBlockingQueue<>();
        node.router.serve("conference.localhost", (stanza, to) -> room.add(stanza));
        Jid alice = node.newAccount("alice");
        node.router.route(message(alice, "lobby@conference.localhost"));
        node.router.route(iq(alice, SingleNode.jid("lobby@conference.localhost"), "get", "d1",
                Element.of("query", "http://jabber.org/protocol/disco#info")));
        assertEquals("message", room.poll(5, TimeUnit.SECONDS).name());
        assertEquals("iq", room.poll(5, TimeUnit.SECONDS).name());
    }

    @Test
    void aRemoteDomainIsRemoteServerNotFoundUntilARouteIsSet() {
        Jid alice = node.newAccount("alice");
        SingleNode.Session desk = node.bind(alice, "desk");
        node.router.route(message(desk.jid(), "romeo@montague.example"));
        Element error = desk.nextStanza();
        assertEquals("error", error.attr("type"), error::toString);
        assertNotNull(error.child("error", Namespaces.CLIENT)
                .child("remote-server-not-found", Namespaces.STANZAS), error::toString);
    }
}
