package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * XEP-0198 acknowledgement requests on a count and a time, over real sockets: with a count of three, one stanza
 * written is not followed by a request at once, but the node's sweep asks once it waited request-ack-after.
 */
class SmAckRequestIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SM = "urn:xmpp:sm:3";
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        node = ItEnvironment.startNode(Map.of("rookery.c2s.require-tls", false,
                "rookery.c2s.allow-plain-without-tls", true,
                "rookery.c2s.sweep-interval", "1s",
                "rookery.modules.sm.request-ack-after-stanzas", 3,
                "rookery.modules.sm.request-ack-after", "2s"));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @Test
    void fewerStanzasThanTheCountAreAskedForOnceTheyWaitedAndTheCountAsksAtOnce() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        try (RawClient c = new RawClient(node.starttlsPort())) {
            StreamManagementIT.authenticate(c, alice);
            StreamManagementIT.bind(c, "desk");
            c.send("<enable xmlns='" + SM + "'/>").await("<enabled", WAIT);
            // One stanza written (the echo of the presence): no request with it.
            String echoed = c.send("<presence/>").await("<presence", WAIT);
            long written = System.nanoTime();
            assertFalse(echoed.contains("<r xmlns='" + SM + "'/>"), echoed);
            c.await("<r xmlns='" + SM + "'/>", WAIT);
            long waitedMs = (System.nanoTime() - written) / 1_000_000;
            assertTrue(waitedMs >= 1_000, "asked only after request-ack-after (2 s, less the sweep's rounding): "
                    + waitedMs + " ms");
            c.send("<a xmlns='" + SM + "' h='1'/>");

            // Three written at once (three pings answered by the server): the third is followed by a request.
            String before = c.text();
            String text = c.send("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>"
                    + "<iq type='get' id='p2'><ping xmlns='urn:xmpp:ping'/></iq>"
                    + "<iq type='get' id='p3'><ping xmlns='urn:xmpp:ping'/></iq>")
                    .await("id='p3'", WAIT);
            String after = text.substring(before.length());
            c.await("<r xmlns='" + SM + "'/>", WAIT);
            String tail = c.text().substring(before.length());
            assertTrue(tail.indexOf("<r xmlns='" + SM + "'/>") > tail.indexOf("id='p3'"), "asked right after the third: "
                    + tail);
            assertFalse(after.substring(0, after.indexOf("id='p3'")).contains("<r xmlns"), "not before it: " + after);
        }
    }
}
