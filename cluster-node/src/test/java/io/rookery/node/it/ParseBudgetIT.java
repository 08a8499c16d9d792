package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * rookery.c2s.parse-budget over real sockets: connections holding unfinished stanzas share one budget; the one that
 * would pass it is closed with resource-constraint while the others keep theirs, and a stanza that completes gives
 * its share back.
 */
class ParseBudgetIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** About 58 KiB of tree (450 small elements): 26 KiB beyond each connection's free 32 KiB. */
    private static final String PARTIAL = "<iq type='get' id='p'><query xmlns='jabber:iq:version'>"
            + "<x a='b'/>".repeat(450);
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        // Room for five such connections and not six.
        node = ItEnvironment.startNode(Map.of("rookery.c2s.parse-budget", "140KiB",
                "rookery.c2s.require-tls", false, "rookery.c2s.allow-plain-without-tls", true));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static RawClient holding(String from) throws Exception {
        RawClient c = new RawClient(from, node.starttlsPort());
        c.send(RawClient.HEADER).await("</stream:features>", WAIT);
        c.send(PARTIAL);
        return c;
    }

    private static double used() throws Exception {
        return NodeScrape.sample(node, "xmpp_c2s_parse_budget_used_bytes");
    }

    @Test
    void theConnectionThatWouldPassTheBudgetIsClosedAndTheOthersKeepTheirs() throws Exception {
        List<RawClient> held = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) held.add(holding("127.0.0." + (10 + i)));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (used() < 5 * 20_000 && System.nanoTime() < deadline) Thread.sleep(50);
            double fiveHold = used();
            assertTrue(fiveHold >= 5 * 20_000 && fiveHold <= 140 * 1024, "reserved " + fiveHold);

            double refusedBefore = NodeScrape.sample(node, "xmpp_c2s_parse_budget_refused_total");
            try (RawClient sixth = holding("127.0.0.20")) {
                String got = sixth.awaitClose(WAIT);
                assertTrue(got.contains("<resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"), got);
            }
            assertEquals(refusedBefore + 1, NodeScrape.sample(node, "xmpp_c2s_parse_budget_refused_total"));
            assertEquals(fiveHold, used(), "the refused one took nothing and the five keep theirs");

            // One of the five finishes its stanza (and, not authenticated, is closed for it): its share is free again,
            // and a new connection fits.
            RawClient first = held.get(0);
            first.send("</query></iq>").await("</stream:stream>", WAIT);
            deadline = System.nanoTime() + WAIT.toNanos();
            while (used() >= fiveHold && System.nanoTime() < deadline) Thread.sleep(50);
            assertTrue(used() < fiveHold, "the finished stanza's share was not given back");
            RawClient again = holding("127.0.0.21");
            held.add(again);
            Thread.sleep(500);
            again.send("</query></iq>").await("</stream:stream>", WAIT);
        } finally {
            for (RawClient c : held) c.close();
        }
    }
}
