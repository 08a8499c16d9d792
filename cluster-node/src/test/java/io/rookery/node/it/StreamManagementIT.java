package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * XEP-0198 stream management over real sockets: the conversation of the XEP's examples on the wire, what a client
 * never acknowledged going to offline storage when its stream ends, and Smack's own stream management against it.
 */
class StreamManagementIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SM = "urn:xmpp:sm:3";
    /** Long enough for a reconnect on a loaded machine, short enough to wait out once. */
    private static final int RESUMPTION_SECONDS = 8;
    private static final String RESUMED = "xmpp_sm_resumptions_total{outcome=\"resumed\"}";
    private static final String NOT_FOUND = "xmpp_sm_resumptions_total{outcome=\"not-found\"}";
    private static final java.util.regex.Pattern SM_ID = java.util.regex.Pattern.compile("<enabled [^>]*id='([^']+)'");
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        node = ItEnvironment.startNode(Map.of("rookery.c2s.require-tls", false,
                "rookery.c2s.allow-plain-without-tls", true,
                "rookery.modules.sm.max-resumption-time", RESUMPTION_SECONDS + "s"));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    /** Authenticated with PLAIN, the stream restarted; returns the features offered after authentication. */
    static String authenticate(RawClient c, String user) throws Exception {
        c.send(RawClient.HEADER).await("</stream:features>", WAIT);
        c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + Base64.getEncoder()
                .encodeToString(("\0" + user + "\0" + ItEnvironment.PASSWORD).getBytes(StandardCharsets.UTF_8))
                + "</auth>").await("<success", WAIT);
        String text = c.send(RawClient.HEADER).awaitCount("</stream:features>", 2, WAIT);
        return text.substring(text.indexOf("<success"));
    }

    static void bind(RawClient c, String resource) throws Exception {
        c.send("<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" + resource
                + "</resource></bind></iq>").await("id='bind'", WAIT);
    }

    @Test
    void aClientEnablesItAfterBindingAndBothSidesAcknowledgeWhatTheyHandled() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        try (RawClient c = new RawClient(node.starttlsPort())) {
            String features = authenticate(c, alice);
            assertTrue(features.contains("<sm xmlns='" + SM + "'/>"), "offered after authentication: " + features);

            // §3: not before a resource is bound.
            c.send("<enable xmlns='" + SM + "'/>").await("<unexpected-request", WAIT);
            assertTrue(c.text().contains("<failed xmlns='" + SM + "'>"), c.text());
            bind(c, "desk");
            c.send("<enable xmlns='" + SM + "'/>").await("<enabled xmlns='" + SM + "'/>", WAIT);

            // Two stanzas handled, then a request: h is 2 (§4).
            c.send("<presence/><iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq><r xmlns='" + SM + "'/>")
                    .await("<a xmlns='" + SM + "' h='2'/>", WAIT);
            // The server asks for an ack of what it sent (the presence echoed back; the account answers the ping
            // later).
            c.await("<r xmlns='" + SM + "'/>", WAIT);
            c.await("id='p1'", WAIT);

            // §3: one enable per stream.
            int failedBefore = count(c.text(), "<failed xmlns='" + SM + "'>");
            c.send("<enable xmlns='" + SM + "'/>").awaitCount("<failed xmlns='" + SM + "'>", failedBefore + 1, WAIT);

            // §6: acknowledging more than was sent ends the stream.
            String end = c.send("<a xmlns='" + SM + "' h='4000'/>").awaitClose(WAIT);
            assertTrue(end.contains("<handled-count-too-high xmlns='" + SM + "' h='4000'"), end);
            assertTrue(end.contains("<undefined-condition"), end);
        }
        // The account is fine: a new stream works.
        try (RawClient c = new RawClient(node.starttlsPort())) {
            authenticate(c, alice);
            bind(c, "desk");
        }
    }

    @Test
    void aRequestIsAnsweredOnceTheMessagesBeforeItAreKeptAndEveryOneCounts() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        int count = 30;
        try (RawClient c = new RawClient(node.starttlsPort())) {
            authenticate(c, alice);
            bind(c, "desk");
            c.send("<enable xmlns='" + SM + "'/>").await("<enabled xmlns='" + SM + "'/>", WAIT);
            StringBuilder burst = new StringBuilder();
            // Messages to an offline user (stored offline and archived before they count), one to nobody (refused
            // with an error, which counts too), a presence (counted at once, after the messages before it).
            for (int i = 0; i < count; i++) {
                burst.append("<message type='chat' id='k").append(i).append("' to='").append(bob)
                        .append("@localhost'><body>kept ").append(i).append("</body></message>");
            }
            burst.append("<message type='chat' id='nobody' to='nobody-").append(System.nanoTime())
                    .append("@localhost'><body>?</body></message><presence/>");
            long t0 = System.nanoTime();
            c.send(burst + "<r xmlns='" + SM + "'/>").await("<a xmlns='" + SM + "' h='" + (count + 2) + "'/>", WAIT);
            System.out.printf("sm-measurement ack-when-stored messages=%d request-to-ack-ms=%d%n", count,
                    (System.nanoTime() - t0) / 1_000_000);
            assertEquals(1, count(c.text(), "<a xmlns='" + SM + "'"), "one request, one answer: " + c.text());
            c.await("type='error' id='nobody'", WAIT);
        }
        // What was acknowledged is stored: bob gets all of it, in order.
        try (RawClient b = new RawClient(node.starttlsPort())) {
            authenticate(b, bob);
            bind(b, "desk");
            String got = b.send("<presence/>").await("id='k" + (count - 1) + "'", WAIT);
            for (int i = 0; i < count; i++) assertTrue(got.contains("id='k" + i + "'"), "k" + i + " in " + got);
        }
    }

    @Test
    void messagesTheClientNeverAcknowledgedAreStoredWhenItsStreamEndsAndAcknowledgedOnesAreNot() throws Exception {
        String sender = ItEnvironment.newUser(node, "sender");
        String bob = ItEnvironment.newUser(node, "bob");
        try (RawClient s = new RawClient(node.starttlsPort())) {
            authenticate(s, sender);
            bind(s, "desk");

            // Bob gets two messages and acknowledges them, then two more that he reads but never acknowledges
            // before his connection is gone.
            try (RawClient b = new RawClient(node.starttlsPort())) {
                authenticate(b, bob);
                bind(b, "phone");
                b.send("<enable xmlns='" + SM + "'/>").await("<enabled", WAIT);
                b.send("<presence/>");
                b.await("<presence", WAIT); // own presence, stanza 1
                for (String id : new String[] {"acked-1", "acked-2"}) {
                    s.send("<message to='" + bob + "@localhost' type='chat' id='" + id + "'><body>" + id
                            + "</body></message>");
                }
                b.await("id='acked-2'", WAIT);
                b.send("<a xmlns='" + SM + "' h='3'/>");
                for (String id : new String[] {"unacked-1", "unacked-2"}) {
                    s.send("<message to='" + bob + "@localhost' type='chat' id='" + id + "'><body>" + id
                            + "</body></message>");
                }
                b.await("id='unacked-2'", WAIT);
            }

            // Back without stream management: the two unacknowledged ones come from offline storage, once each.
            try (RawClient b = new RawClient(node.starttlsPort())) {
                authenticate(b, bob);
                bind(b, "phone");
                String got = b.send("<presence/>").await("id='unacked-2'", WAIT);
                assertTrue(got.contains("id='unacked-1'"), got);
                Thread.sleep(1000);
                String all = b.readAvailable();
                assertEquals(1, count(all, "id='unacked-1'"), all);
                assertEquals(1, count(all, "id='unacked-2'"), all);
                assertEquals(0, count(all, "id='acked-"), "acknowledged messages are not delivered again: " + all);
            }
        }
    }

    static void chat(RawClient from, String to, String id) throws Exception {
        from.send("<message to='" + to + "@localhost' type='chat' id='" + id + "'><body>" + id + "</body></message>");
    }

    /** A bound stream with resumable stream management and initial presence (echoed: one stanza); its SM-ID. */
    static String resumable(RawClient c, String user, String resource) throws Exception {
        authenticate(c, user);
        bind(c, resource);
        String text = c.send("<enable xmlns='" + SM + "' resume='true'/>").await("<enabled", WAIT);
        c.awaitUntil(t -> SM_ID.matcher(t).find(), WAIT);
        java.util.regex.Matcher m = SM_ID.matcher(c.text());
        assertTrue(m.find(), text);
        c.send("<presence/>").await("<presence", WAIT);
        return m.group(1);
    }

    @Test
    void aStreamResumedOnTheSameNodeGetsWhatItHadNotAcknowledgedAndWhatCameMeanwhileOnce() throws Exception {
        String sender = ItEnvironment.newUser(node, "sender");
        String bob = ItEnvironment.newUser(node, "bob");
        double resumedBefore = NodeScrape.sample(node, RESUMED);
        try (RawClient s = new RawClient(node.starttlsPort())) {
            authenticate(s, sender);
            bind(s, "desk");
            String id;
            RawClient first = new RawClient(node.starttlsPort());
            try {
                id = resumable(first, bob, "phone");
                assertTrue(first.text().contains("resume='true'") && first.text().contains("max='" + RESUMPTION_SECONDS + "'"),
                        first.text());
                chat(s, bob, "m1");
                chat(s, bob, "m2");
                first.await("id='m2'", WAIT);
                // Handled: his own presence and m1. The connection then breaks without a closing tag.
                first.send("<a xmlns='" + SM + "' h='2'/>");
            } finally {
                first.close();
            }
            chat(s, bob, "m3");

            try (RawClient again = new RawClient(node.starttlsPort())) {
                authenticate(again, bob);
                String got = again.send("<resume xmlns='" + SM + "' previd='" + id + "' h='2'/>")
                        .await("id='m3'", WAIT);
                // §5: the server had handled one stanza of his (the presence); m2 and m3 come (again), m1 does not.
                assertTrue(got.contains("<resumed xmlns='" + SM + "' previd='" + id + "' h='1'/>"), got);
                assertEquals(0, count(got, "id='m1'"), got);
                assertEquals(1, count(got, "id='m2'"), got);
                assertEquals(resumedBefore + 1, NodeScrape.sample(node, RESUMED), "counted as resumed");
                // Still bound and available: new messages arrive as usual, and the counts go on.
                chat(s, bob, "m4");
                again.await("id='m4'", WAIT);
                again.send("<iq type='get' id='p2'><ping xmlns='urn:xmpp:ping'/></iq><r xmlns='" + SM + "'/>")
                        .await("<a xmlns='" + SM + "' h='2'/>", WAIT);
                // Everything acknowledged (m2, m3, m4 and the ping's result once it came), then a clean close.
                again.await("id='p2'", WAIT);
                again.send("<a xmlns='" + SM + "' h='6'/></stream:stream>").awaitClose(WAIT);
            }

            // Nothing was left over for offline storage.
            try (RawClient later = new RawClient(node.starttlsPort())) {
                authenticate(later, bob);
                bind(later, "phone");
                later.send("<presence/>").await("<presence", WAIT);
                chat(s, bob, "marker");
                String all = later.await("id='marker'", WAIT);
                for (String m : new String[] {"m1", "m2", "m3", "m4"}) {
                    assertEquals(0, count(all, "id='" + m + "'"), "delivered again: " + all);
                }
            }
        }
    }

    @Test
    void anUnknownIdOrAnotherUsersIdIsNotFound() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        double notFoundBefore = NodeScrape.sample(node, NOT_FOUND);
        try (RawClient b = new RawClient(node.starttlsPort())) {
            String id = resumable(b, bob, "phone");
            try (RawClient a = new RawClient(node.starttlsPort())) {
                authenticate(a, alice);
                a.send("<resume xmlns='" + SM + "' previd='" + id + "' h='0'/>").await("<item-not-found", WAIT);
                a.send("<resume xmlns='" + SM + "' previd='no-such-id' h='0'/>")
                        .awaitCount("<item-not-found", 2, WAIT);
                // The stream may still bind afresh.
                bind(a, "desk");
                assertEquals(notFoundBefore + 2, NodeScrape.sample(node, NOT_FOUND));
            }
            // Bob's session was not disturbed.
            b.send("<r xmlns='" + SM + "'/>").await("<a xmlns='" + SM + "' h='1'/>", WAIT);
        }
    }

    @Test
    void aSessionNobodyResumesInTimeEndsAndWhatItHeldIsStored() throws Exception {
        String sender = ItEnvironment.newUser(node, "sender");
        String bob = ItEnvironment.newUser(node, "bob");
        try (RawClient s = new RawClient(node.starttlsPort())) {
            authenticate(s, sender);
            bind(s, "desk");
            String id;
            try (RawClient first = new RawClient(node.starttlsPort())) {
                id = resumable(first, bob, "phone");
                chat(s, bob, "kept-1");
                first.await("id='kept-1'", WAIT);
            }
            chat(s, bob, "kept-2");
            Thread.sleep((RESUMPTION_SECONDS + 3) * 1000L);
            try (RawClient late = new RawClient(node.starttlsPort())) {
                authenticate(late, bob);
                late.send("<resume xmlns='" + SM + "' previd='" + id + "' h='1'/>").await("<item-not-found", WAIT);
                bind(late, "phone");
                String got = late.send("<presence/>").await("id='kept-2'", WAIT);
                assertTrue(got.contains("id='kept-1'"), got);
            }
        }
    }

    @Test
    void smackResumesItsStreamAfterItsConnectionBroke() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        java.util.concurrent.BlockingQueue<String> inbox = new java.util.concurrent.LinkedBlockingQueue<>();
        XMPPTCPConnection a = ItEnvironment.connectStartTls(node, alice, ItEnvironment.PASSWORD, "desk", c -> {
            c.setUseStreamManagementResumption(true);
            c.addAsyncStanzaListener(st -> inbox.add(st.getStanzaId()), st -> st instanceof Message);
        });
        XMPPTCPConnection b = ItEnvironment.connectStartTls(node, bob, ItEnvironment.PASSWORD, "desk");
        try {
            assertTrue(a.isSmResumptionPossible(), "the server offered resumption");
            a.instantShutdown();
            b.sendStanza(MessageBuilder.buildMessage("while-away").to(JidCreate.entityBareFrom(alice + "@localhost"))
                    .ofType(Message.Type.chat).setBody("while you were away").build());
            a.connect().login();
            assertTrue(a.streamWasResumed(), "Smack resumed its stream");
            assertEquals("while-away", inbox.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        } finally {
            a.disconnect();
            b.disconnect();
        }
    }

    @Test
    void smacksStreamManagementWorksUnchanged() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        XMPPTCPConnection a = ItEnvironment.connectStartTls(node, alice, ItEnvironment.PASSWORD, "desk");
        XMPPTCPConnection b = ItEnvironment.connectStartTls(node, bob, ItEnvironment.PASSWORD, "desk");
        try {
            assertTrue(a.isSmEnabled(), "Smack enabled stream management");
            CountDownLatch received = new CountDownLatch(1);
            b.addAsyncStanzaListener(st -> received.countDown(), st -> st instanceof Message m && "sm-1".equals(m.getStanzaId()));
            CountDownLatch acked = new CountDownLatch(1);
            Message m = MessageBuilder.buildMessage("sm-1").to(JidCreate.entityBareFrom(bob + "@localhost"))
                    .ofType(Message.Type.chat).setBody("hello").build();
            a.addStanzaIdAcknowledgedListener("sm-1", st -> acked.countDown());
            a.sendStanza(m);
            a.requestSmAcknowledgement();
            assertTrue(acked.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the server acknowledged the message");
            assertTrue(received.await(WAIT.toSeconds(), TimeUnit.SECONDS), "and delivered it");
        } finally {
            a.disconnect();
            b.disconnect();
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) n++;
        return n;
    }
}
