package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * XEP-0199 server pings over real sockets: a silent client is pinged; one that answers stays; one that does not is
 * taken for dead, its stream closed with connection-timeout, or, when it can be resumed (XEP-0198), its session
 * detached to keep what arrives until the client comes back.
 */
class ServerPingIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SM = "urn:xmpp:sm:3";
    private static final Pattern PING = Pattern.compile("<iq [^>]*id='(ping-[^']+)'[^>]*><ping xmlns='urn:xmpp:ping'/>");
    private static final String SENT = "xmpp_c2s_server_pings_total{outcome=\"sent\"}";
    private static final String TIMED_OUT = "xmpp_c2s_server_pings_total{outcome=\"timed-out\"}";
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        node = ItEnvironment.startNode(Map.of("rookery.c2s.require-tls", false,
                "rookery.c2s.allow-plain-without-tls", true,
                "rookery.c2s.ping-after", "4s",
                "rookery.c2s.ping-timeout", "2s",
                "rookery.c2s.sweep-interval", "1s"));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    /** Waits for the server's ping; returns its id. */
    private static String awaitPing(RawClient c) throws Exception {
        c.awaitUntil(t -> PING.matcher(t).find(), WAIT);
        Matcher m = PING.matcher(c.text());
        assertTrue(m.find());
        return m.group(1);
    }

    @Test
    void aSilentClientThatAnswersThePingStaysConnected() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        double sent = NodeScrape.sample(node, SENT);
        try (RawClient c = new RawClient(node.starttlsPort())) {
            StreamManagementIT.authenticate(c, alice);
            StreamManagementIT.bind(c, "desk");
            String id = awaitPing(c);
            long pinged = System.nanoTime();
            assertTrue(c.text().contains("from='localhost'"), c.text());
            c.send("<iq type='result' id='" + id + "' to='localhost'/>");
            // Unanswered, the stream would be closed within ping-timeout plus a sweep (3 s); answered, the next ping
            // is due only 4 s after the answer.
            Thread.sleep(Math.max(0, 4_500 - (System.nanoTime() - pinged) / 1_000_000));
            c.send("<iq type='get' id='still' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>").await("id='still'", WAIT);
            assertFalse(c.text().contains("connection-timeout"), c.text());
            assertTrue(NodeScrape.sample(node, SENT) > sent, "counted");
        }
    }

    @Test
    void aClientThatNeverAnswersIsDisconnectedWithConnectionTimeout() throws Exception {
        String bob = ItEnvironment.newUser(node, "bob");
        double timedOut = NodeScrape.sample(node, TIMED_OUT);
        try (RawClient c = new RawClient(node.starttlsPort())) {
            StreamManagementIT.authenticate(c, bob);
            StreamManagementIT.bind(c, "phone");
            awaitPing(c);
            c.await("<connection-timeout", WAIT);
            c.awaitClose(WAIT);
            assertTrue(NodeScrape.sample(node, TIMED_OUT) > timedOut, "counted");
        }
    }

    @Test
    void aResumableSessionWhoseClientStopsAnsweringWaitsForItWithWhatArrived() throws Exception {
        String sender = ItEnvironment.newUser(node, "sender");
        String carol = ItEnvironment.newUser(node, "carol");
        String previd;
        try (RawClient dead = new RawClient(node.starttlsPort())) {
            previd = StreamManagementIT.resumable(dead, carol, "phone");
            awaitPing(dead);
            // Taken for dead: the connection is closed without a stream error, the session detached.
            dead.awaitClose(WAIT);
            assertFalse(dead.text().contains("<stream:error>"), dead.text());
        }
        // (A sender connected all along would itself have been pinged and, silent, disconnected by now.)
        try (RawClient s = new RawClient(node.starttlsPort())) {
            StreamManagementIT.authenticate(s, sender);
            StreamManagementIT.bind(s, "desk");
            StreamManagementIT.chat(s, carol, "while-away");
            try (RawClient back = new RawClient(node.starttlsPort())) {
                StreamManagementIT.authenticate(back, carol);
                // Handled before the connection died: the echo of its presence only; the ping comes again.
                String got = back.send("<resume xmlns='" + SM + "' previd='" + previd + "' h='1'/>")
                        .await("id='while-away'", WAIT);
                assertTrue(got.contains("<resumed xmlns='" + SM + "' previd='" + previd + "'"), got);
                assertTrue(PING.matcher(got.substring(got.indexOf("<resumed"))).find(), got);
            }
        }
    }
}
