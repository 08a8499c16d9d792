package io.rookery.node.ext.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.SingleNode;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xep.pubsub.PubSub;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The service on pubsub.localhost through the router, as a session hands it requests (sharded nodes). */
class PubSubServiceTest {
    private static SingleNode node;

    @BeforeAll
    static void start() {
        node = SingleNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static Element ask(String from, String type, String id, Element payload) {
        TestProbe<SessionProtocol.Message> session = node.testKit.createTestProbe();
        Element iq = Element.builder("iq", Namespaces.CLIENT).attr("from", from).attr("to", "pubsub.localhost")
                .attr("type", type).attr("id", id).child(payload).build();
        node.router.route(iq, Jid.parseOrNull("pubsub.localhost"), session.getRef());
        return ((SessionProtocol.Deliver) session.receiveMessage(Duration.ofSeconds(10))).stanza();
    }

    @Test
    void theServiceIsDiscoveredWithItsFeaturesAndListsAnInstantNodeItCreated() {
        Element info = ask("alice@localhost/desk", "get", "i1", Element.of("query", Disco.INFO))
                .child("query", Disco.INFO);
        assertEquals("service", info.child("identity", Disco.INFO).attr("type"), info::toString);
        assertTrue(info.toString().contains(PubSub.feature("subscription-options")), info::toString);

        Element created = ask("alice@localhost/desk", "set", "c1", Element.builder("pubsub", PubSub.NS)
                .child(Element.of("create", PubSub.NS)).build());
        assertEquals("result", created.attr("type"), created::toString);
        String name = created.child("pubsub", PubSub.NS).child("create", PubSub.NS).attr("node");
        assertNotNull(name);

        Element items = ask("bob@localhost/desk", "get", "d1", Element.of("query", Disco.ITEMS))
                .child("query", Disco.ITEMS);
        List<String> nodes = items.children("item", Disco.ITEMS).stream().map(i -> i.attr("node")).toList();
        assertTrue(nodes.contains(name), items::toString);
    }

    @Test
    void usersOfOtherServersMayNotCreateNodesAndServiceWideListsAreNotKept() {
        Element refused = ask("eve@elsewhere.example/x", "set", "c2", Element.builder("pubsub", PubSub.NS)
                .child(Element.builder("create", PubSub.NS).attr("node", "theirs").build()).build());
        assertEquals("error", refused.attr("type"), refused::toString);
        assertNotNull(refused.child("error", Namespaces.CLIENT).child("forbidden", Namespaces.STANZAS));
        Element all = ask("alice@localhost/desk", "get", "s1", Element.builder("pubsub", PubSub.NS)
                .child(Element.of("subscriptions", PubSub.NS)).build());
        assertNotNull(all.child("error", Namespaces.CLIENT).child("feature-not-implemented", Namespaces.STANZAS),
                all::toString);
    }
}
