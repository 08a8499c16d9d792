package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading while messages keep coming is dropped once its queued output passes
 * rookery.c2s.max-outbound-buffer-bytes; the messages still queued for it are not lost with the connection. Counted
 * by message id: those its socket got before the close, plus those it gets as offline messages when it logs in again,
 * plus those bounced to the sender, are every message sent, each once.
 */
class SlowConsumerIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String DROPPED = "xmpp_c2s_output_dropped_total";
    private static final String HANDED_BACK = "xmpp_c2s_messages_handed_back_total";
    /** Messages sent after the node dropped the reader: they find its resource gone and are stored. */
    private static final int AFTER_THE_DROP = 20;
    /** Far more than the loopback path and the node's buffer hold; reaching it means the reader was never dropped. */
    private static final int MAX_MESSAGES = 20_000;
    private static final int MAX_LOGINS = 10;
    /** A login that got nothing for this long has got all there was. */
    private static final Duration QUIET = Duration.ofSeconds(2);
    private static final Pattern MESSAGE_ID = Pattern.compile("<message\\b[^>]*?\\sid=['\"](m-\\d+)['\"]");
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        // Plain TCP with PLAIN, so that bare sockets log in; the smallest output buffer allowed; no shaping of the
        // sender, so that one socket floods the reader quickly; room for every message in offline storage.
        node = ItEnvironment.startNode(Map.of("rookery.c2s.require-tls", false,
                "rookery.c2s.allow-plain-without-tls", true,
                "rookery.c2s.max-outbound-buffer-bytes", 16 << 10,
                "rookery.c2s.shaper.rate", 0,
                "rookery.user.max-offline-messages", 100_000));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @Test
    void everyMessageQueuedForAClientThatStoppedReadingReachesItLaterOrGoesBackToTheSender() throws Exception {
        String bob = ItEnvironment.newUser(node, "bob");
        String alice = ItEnvironment.newUser(node, "alice");
        double droppedBefore = NodeScrape.sample(node, DROPPED);
        double handedBackBefore = NodeScrape.sample(node, HANDED_BACK);
        String body = "x".repeat(1000);

        try (RawClient reader = new RawClient("127.0.0.1", node.starttlsPort(), 4096);
                RawClient sender = loggedIn(new RawClient(node.starttlsPort()), alice, "desk")) {
            loggedIn(reader, bob, "first").send("<presence/>").await("<presence", WAIT);
            // From here on the reader reads nothing until the node has dropped it.
            int sent = 0;
            int sentAtDrop = -1;
            while (sentAtDrop < 0 || sent < sentAtDrop + AFTER_THE_DROP) {
                assertTrue(sent < MAX_MESSAGES, "the node never dropped the client that stopped reading");
                sender.send("<message type='chat' id='m-" + sent + "' to='" + bob + "@localhost'><body>" + body
                        + "</body></message>");
                sent++;
                if (sentAtDrop < 0 && sent % 10 == 0 && NodeScrape.sample(node, DROPPED) > droppedBefore) {
                    sentAtDrop = sent;
                }
            }
            // Its answer comes after every message before it was routed.
            sender.send("<iq type='get' id='done' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>")
                    .await("id='done'", WAIT);

            // What the first socket got: all the kernel had buffered for it, up to the close.
            List<String> first = ids(reader.awaitClose(WAIT));
            assertTrue(NodeScrape.sample(node, HANDED_BACK) > handedBackBefore,
                    "no message was queued in the node when it dropped the reader: the test shows nothing");

            // The rest arrive as offline messages. Their burst at login can itself pass the small output buffer
            // of this node (the offline queue is written at once); then they are handed back and stored again, so
            // the client logs in until nothing more comes.
            List<String> later = new ArrayList<>();
            List<String> bounced = List.of();
            int logins = 0;
            while (first.size() + later.size() + bounced.size() < sent && logins < MAX_LOGINS) {
                logins++;
                try (RawClient again = loggedIn(new RawClient(node.starttlsPort()), bob, "again-" + logins)) {
                    again.send("<presence/>");
                    String got = again.readAvailable();
                    long quietSince = System.nanoTime();
                    while (!again.closed() && System.nanoTime() - quietSince < QUIET.toNanos()) {
                        String more = again.readAvailable();
                        if (more.length() > got.length()) quietSince = System.nanoTime();
                        got = more;
                    }
                    later.addAll(ids(got));
                }
                bounced = ids(sender.readAvailable());
            }

            Set<String> accounted = new HashSet<>();
            List<String> twice = new ArrayList<>();
            for (List<String> ids : List.of(first, later, bounced)) {
                for (String id : ids) if (!accounted.add(id)) twice.add(id);
            }
            Set<String> lost = new TreeSet<>();
            for (int i = 0; i < sent; i++) if (!accounted.contains("m-" + i)) lost.add("m-" + i);
            String counts = "sent " + sent + "; first socket " + first.size() + ", offline " + later.size() + " in "
                    + logins + " logins, bounced " + bounced.size();
            assertEquals(Set.of(), lost, counts);
            assertEquals(List.of(), twice, "delivered more than once; " + counts);
            System.out.println("slow-consumer-it " + counts);
        }
    }

    /** Message ids in what a client received, in order. */
    private static List<String> ids(String received) {
        List<String> ids = new ArrayList<>();
        Matcher m = MESSAGE_ID.matcher(received);
        while (m.find()) ids.add(m.group(1));
        return ids;
    }

    /** Authenticates with PLAIN on plain TCP and binds the resource. */
    private static RawClient loggedIn(RawClient c, String user, String resource) throws Exception {
        String auth = Base64.getEncoder().encodeToString(("\0" + user + "\0" + ItEnvironment.PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        c.send(RawClient.HEADER).await("</stream:features>", WAIT);
        c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + auth + "</auth>")
                .await("<success", WAIT);
        c.send(RawClient.HEADER).await("<bind", WAIT);
        c.send("<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" + resource
                + "</resource></bind></iq>").await("</jid>", WAIT);
        return c;
    }
}
