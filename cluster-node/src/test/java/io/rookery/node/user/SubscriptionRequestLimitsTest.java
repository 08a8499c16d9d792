package io.rookery.node.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.typesafe.config.ConfigFactory;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What strangers can make an account keep: anyone may ask to subscribe, so the requests kept for a user who is away
 * are bounded in number (past it the sender hears resource-constraint) and in size (a large one loses its payload).
 */
class SubscriptionRequestLimitsTest {
    private static SingleNode node;

    @BeforeAll
    static void start() {
        node = SingleNode.start(ConfigFactory.parseString("""
                rookery.user.max-pending-subscription-requests = 3
                rookery.user.max-stored-subscription-request-bytes = 512B
                """));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static Element subscribe(Jid from, Jid to, String status) {
        return Element.builder("presence", Namespaces.CLIENT).attr("from", from.toString()).attr("to", to.toString())
                .attr("type", "subscribe")
                .child(Element.builder("status", Namespaces.CLIENT).text(status).build()).build();
    }

    @Test
    void requestsPastTheLimitAreRefusedAndLargeOnesAreKeptWithoutTheirPayload() {
        Jid alice = node.newAccount("alice-requests");
        SingleNode.Session[] strangers = new SingleNode.Session[4];
        for (int i = 0; i < strangers.length; i++) {
            Jid stranger = node.newAccount("stranger" + i);
            strangers[i] = node.bind(stranger, "x");
            node.router.route(subscribe(strangers[i].jid(), alice, i == 0 ? "x".repeat(2000) : "hello " + i));
        }
        // The fourth is one too many for an account that already keeps three.
        Element refused = strangers[3].nextStanza();
        assertEquals("error", refused.attr("type"), refused::toString);
        assertNotNull(refused.child("error", Namespaces.CLIENT).child("resource-constraint", Namespaces.STANZAS),
                refused::toString);

        // Alice comes online and gets the three that were kept, the large one without its status.
        SingleNode.Session phone = node.bind(alice, "phone");
        node.becomeAvailable(phone, 0);
        int large = 0;
        int small = 0;
        for (int i = 0; i < 3; i++) {
            Element request = phone.nextStanza();
            assertEquals("subscribe", request.attr("type"), request::toString);
            if (request.attr("from").startsWith("stranger0")) {
                assertNull(request.child("status", Namespaces.CLIENT), request::toString);
                large++;
            } else {
                assertNotNull(request.child("status", Namespaces.CLIENT), request::toString);
                small++;
            }
        }
        assertEquals(1, large);
        assertEquals(2, small);
    }
}
