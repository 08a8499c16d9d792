package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * XEP-0077 registration limits over real sockets (rookery.modules.register): one account per connection, a
 * number per address within a window (127.0.0.2 is a second source address), a number per node within a window.
 */
class RegistrationLimitsIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String NOT_ACCEPTABLE = "<error type='cancel'><not-acceptable "
            + "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>";
    private static final String RESOURCE_CONSTRAINT = "<error type='wait'><resource-constraint "
            + "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>";
    private static RookeryNode node;
    private static RookeryNode small;

    @BeforeAll
    static void start() throws Exception {
        // Plain TCP: without require-tls, registration is offered before TLS, so a bare socket can register.
        node = ItEnvironment.startNode(Map.of("rookery.registration.enabled", true, "rookery.c2s.require-tls", false));
        small = ItEnvironment.startNode(Map.of("rookery.registration.enabled", true, "rookery.c2s.require-tls", false,
                "rookery.modules.register.max-per-address", 0, "rookery.modules.register.max-per-node", 2));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
        if (small != null) small.close();
    }

    private static String register(String id, String user) {
        return "<iq type='set' id='" + id + "'><query xmlns='jabber:iq:register'><username>" + user
                + "</username><password>s3cret</password></query></iq>";
    }

    /** Registers one fresh name over a new connection from this address; returns the answer. */
    private static String registerOnce(RookeryNode n, String from) throws Exception {
        try (RawClient c = new RawClient(from, n.starttlsPort())) {
            c.send(RawClient.HEADER).await("iq-register", WAIT);
            return answer(c.send(register("r", ItEnvironment.freshUserName("ibr"))), "r");
        }
    }

    /** The whole iq with this id, once it has arrived (attributes in whatever order the server writes them). */
    private static String answer(RawClient c, String id) throws Exception {
        return iq(c.awaitUntil(t -> iq(t, id) != null, WAIT), id);
    }

    private static String iq(String text, String id) {
        int at = text.indexOf("id='" + id + "'");
        if (at < 0) return null;
        int start = text.lastIndexOf("<iq", at);
        int tagEnd = text.indexOf('>', at);
        if (tagEnd < 0) return null;
        if (text.charAt(tagEnd - 1) == '/') return text.substring(start, tagEnd + 1);
        int end = text.indexOf("</iq>", tagEnd);
        return end < 0 ? null : text.substring(start, end + 5);
    }

    @Test
    void oneAccountPerConnectionAndThreePerAddressWhileAnotherAddressStillRegisters() throws Exception {
        double streamBefore = NodeScrape.sample(node, "xmpp_register_refused_total{reason=\"stream\"}");
        double addressBefore = NodeScrape.sample(node, "xmpp_register_refused_total{reason=\"address\"}");
        try (RawClient c = new RawClient("127.0.0.1", node.starttlsPort())) {
            c.send(RawClient.HEADER).await("iq-register", WAIT);
            String first = answer(c.send(register("r1", ItEnvironment.freshUserName("ibr"))), "r1");
            assertTrue(first.contains("type='result'"), first);
            String second = answer(c.send(register("r2", ItEnvironment.freshUserName("ibr"))), "r2");
            assertTrue(second.contains(NOT_ACCEPTABLE), second);
        }
        for (int i = 2; i <= 3; i++) {
            String got = registerOnce(node, "127.0.0.1");
            assertTrue(got.contains("type='result'"), "registration " + i + ": " + got);
        }
        String fourth = registerOnce(node, "127.0.0.1");
        assertTrue(fourth.contains(RESOURCE_CONSTRAINT), fourth);
        String other = registerOnce(node, "127.0.0.2");
        assertTrue(other.contains("type='result'"), "another address: " + other);
        assertEquals(streamBefore + 1, NodeScrape.sample(node, "xmpp_register_refused_total{reason=\"stream\"}"));
        assertEquals(addressBefore + 1, NodeScrape.sample(node, "xmpp_register_refused_total{reason=\"address\"}"));
    }

    @Test
    void theNodeRegistersItsNumberPerWindowFromAllAddresses() throws Exception {
        assertTrue(registerOnce(small, "127.0.0.3").contains("type='result'"));
        assertTrue(registerOnce(small, "127.0.0.4").contains("type='result'"));
        String third = registerOnce(small, "127.0.0.5");
        assertTrue(third.contains(RESOURCE_CONSTRAINT), third);
    }

    @Test
    void aRegistrationFloodFromOneAddressCreatesThreeAccounts() throws Exception {
        int created = 0;
        int refused = 0;
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < end) {
            try (RawClient c = new RawClient("127.0.0.8", node.starttlsPort())) {
                c.send(RawClient.HEADER).await("iq-register", WAIT);
                // As the flood that created 288 accounts on one stream did: ask again and again.
                for (int i = 0; i < 10; i++) {
                    String answer = answer(c.send(register("f" + i, ItEnvironment.freshUserName("flood"))), "f" + i);
                    if (answer.contains("type='result'")) created++;
                    else refused++;
                }
            }
        }
        System.out.printf("registration flood from one address for 5 s: %d accounts created, %d refused%n", created,
                refused);
        assertEquals(3, created);
    }
}
