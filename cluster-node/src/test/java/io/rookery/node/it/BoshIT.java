package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.bosh.BOSHConfiguration;
import org.jivesoftware.smack.bosh.XMPPBOSHConnection;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * BOSH (XEP-0124, XEP-0206) on a node's plain HTTP listener against real Cassandra: Smack's BOSH connection (jbosh)
 * logs in and chats with a TCP client; and, with the JDK's HTTP client writing the bodies, the rules of the
 * protocol: the creation response, rid order, the replay of a response lost with its connection, the window,
 * binding errors for bad input, a stream error as remote-stream-error, terminate, inactivity and pause, polling too
 * often, CORS.
 */
class BoshIT {
    private static final String ALLOWED = "https://chat.example";
    private static final String NS = "http://jabber.org/protocol/httpbind";
    private static RookeryNode node;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        node = TestNodes.startNode(Map.of("rookery.http.enabled", true,
                "rookery.http.allowed-origins", List.of(ALLOWED), "rookery.http.bosh.inactivity", "3s"));
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static String url() {
        return "http://127.0.0.1:" + node.httpPlainPort() + "/http-bind";
    }

    /** One client's session: its sid and the next rid. */
    private static final class Session {
        final String sid;
        long rid;
        final Element created;

        Session(String sid, long rid, Element created) {
            this.sid = sid;
            this.rid = rid;
            this.created = created;
        }

        String body(String attributes, String payload) {
            String open = "<body xmlns='" + NS + "' xmlns:xmpp='urn:xmpp:xbosh' rid='" + (rid++) + "' sid='" + sid
                    + "'" + attributes;
            return payload.isEmpty() ? open + "/>" : open + ">" + payload + "</body>";
        }
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return postAsync(body).get(70, TimeUnit.SECONDS);
    }

    private static CompletableFuture<HttpResponse<String>> postAsync(String body) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(url())).timeout(Duration.ofSeconds(70))
                .header("Content-Type", "text/xml; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Element xml(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r::body);
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/xml"), r.headers()::toString);
        Element e = StoredXml.parse(r.body());
        assertEquals("body", e.name());
        assertEquals(NS, e.namespace());
        return e;
    }

    private static long firstRid() {
        return ThreadLocalRandom.current().nextLong(1L << 40, 1L << 50);
    }

    /** A session created with wait seconds (hold 1) whose features have come (in the creation response or next). */
    private static Session create(long wait, int hold) throws Exception {
        long rid = firstRid();
        Element r = xml(post("<body xmlns='" + NS + "' xmlns:xmpp='urn:xmpp:xbosh' content='text/xml; charset=utf-8'"
                + " rid='" + rid + "' to='localhost' ver='1.6' wait='" + wait + "' hold='" + hold + "'"
                + " xml:lang='en' xmpp:version='1.0'/>"));
        assertNotNull(r.attr("sid"), () -> "a sid: " + r);
        return new Session(r.attr("sid"), rid + 1, r);
    }

    private static String features(Session s) throws Exception {
        Element f = s.created.child("features", "http://etherx.jabber.org/streams");
        for (int i = 0; f == null && i < 5; i++) f = xml(post(s.body("", ""))).child("features",
                "http://etherx.jabber.org/streams");
        assertNotNull(f, "stream features");
        return StoredXml.write(f);
    }

    private static String plain(String user) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + ItEnvironment.PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** SASL PLAIN, the restart, resource binding: the full JID. */
    private static String login(Session s, String user, String resource) throws Exception {
        features(s);
        Element success = xml(post(s.body("", "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                + plain(user) + "</auth>")));
        assertNotNull(success.child("success", "urn:ietf:params:xml:ns:xmpp-sasl"), success::toString);
        Element restarted = xml(post(s.body(" to='localhost' xmpp:restart='true'", "")));
        assertNotNull(restarted.child("features", "http://etherx.jabber.org/streams"), restarted::toString);
        Element bound = xml(post(s.body("", "<iq xmlns='jabber:client' type='set' id='b1'>"
                + "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" + resource + "</resource></bind></iq>")));
        Element iq = bound.child("iq", "jabber:client");
        assertNotNull(iq, bound::toString);
        return iq.child("bind", "urn:ietf:params:xml:ns:xmpp-bind").childText("jid", "urn:ietf:params:xml:ns:xmpp-bind");
    }

    @Test
    void smacksBoshConnectionLogsInAndChatsWithATcpClient() throws Exception {
        String web = TestNodes.newUser(node, "boshsmack");
        String tcp = TestNodes.newUser(node, "boshtcp");
        BlockingQueue<Message> tcpInbox = new LinkedBlockingQueue<>();
        BlockingQueue<Message> boshInbox = new LinkedBlockingQueue<>();
        XMPPTCPConnection smack = ItEnvironment.connectStartTls(node, tcp, ItEnvironment.PASSWORD, "desk");
        // COMPAT Smack 4.4.8: an IP literal as host becomes an InetAddress whose toString ("/127.0.0.1") goes into the
        // URI (http:///127.0.0.1:port); a host name does not.
        XMPPBOSHConnection bosh = new XMPPBOSHConnection(BOSHConfiguration.builder()
                .setXmppDomain("localhost").setHost("localhost").setPort(node.httpPlainPort()).setFile("/http-bind")
                .setUseHttps(false).setSecurityMode(ConnectionConfiguration.SecurityMode.disabled)
                .setUsernameAndPassword(web, ItEnvironment.PASSWORD).setResource("bosh")
                .build());
        try {
            smack.addAsyncStanzaListener(st -> tcpInbox.add((Message) st),
                    st -> st instanceof Message m && m.getBody() != null);
            bosh.addAsyncStanzaListener(st -> boshInbox.add((Message) st),
                    st -> st instanceof Message m && m.getBody() != null);
            bosh.connect().login();
            assertTrue(bosh.isAuthenticated());
            assertEquals(web + "@localhost/bosh", bosh.getUser().toString());

            bosh.sendStanza(bosh.getStanzaFactory().buildMessageStanza().to(JidCreate.from(tcp + "@localhost/desk"))
                    .ofType(Message.Type.chat).setBody("over BOSH").build());
            Message got = tcpInbox.poll(15, TimeUnit.SECONDS);
            assertNotNull(got, "the TCP client gets the BOSH client's message");
            assertEquals("over BOSH", got.getBody());
            assertEquals(web + "@localhost/bosh", got.getFrom().toString(), "from stamped by the node");

            smack.sendStanza(smack.getStanzaFactory().buildMessageStanza().to(bosh.getUser())
                    .ofType(Message.Type.chat).setBody("back over TCP & <BOSH>").build());
            Message back = boshInbox.poll(15, TimeUnit.SECONDS);
            assertNotNull(back, "the BOSH client gets the TCP client's message (a held request answered)");
            assertEquals("back over TCP & <BOSH>", back.getBody());
            assertEquals(tcp + "@localhost/desk", back.getFrom().toString());

            // Its terminate request ends the session: no resource left at that full JID.
            var full = bosh.getUser();
            bosh.disconnect();
            // A disco#info request of its own (ServiceDiscoveryManager would answer from the entity caps cache); one
            // that reaches the session after its stream closed is answered too (service-unavailable, by the session
            // or the account).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            XMPPException.XMPPErrorException gone = null;
            while (gone == null && System.nanoTime() < deadline) {
                DiscoverInfo ask = DiscoverInfo.builder("gone-" + System.nanoTime()).to(full).ofType(IQ.Type.get)
                        .build();
                try {
                    smack.createStanzaCollectorAndSend(ask).nextResultOrThrow(3_000);
                    Thread.sleep(200);
                } catch (XMPPException.XMPPErrorException e) {
                    gone = e;
                } catch (org.jivesoftware.smack.SmackException.NoResponseException e) {
                    // Sent before the terminate was done: delivered to the BOSH client as it left (in the answer to
                    // its terminate request, as a TCP client reads up to the server's closing tag).
                }
            }
            assertNotNull(gone, "the session ended with the terminate request");
            assertEquals(StanzaError.Condition.service_unavailable, gone.getStanzaError().getCondition());
        } finally {
            if (bosh.isConnected()) bosh.disconnect();
            smack.disconnect();
        }
    }

    @Test
    void theCreationResponseCarriesTheSessionsTermsAndTheStreamFeatures() throws Exception {
        Session s = create(30, 5);
        Element c = s.created;
        assertEquals(32, c.attr("sid").length(), "the node's tag and 96 random bits");
        assertEquals("30", c.attr("wait"), "the client's wait, under max-wait");
        assertEquals("1", c.attr("hold"), "hold cut to max-hold");
        assertEquals("2", c.attr("requests"), "hold + 1");
        assertEquals("3", c.attr("inactivity"));
        assertEquals("120", c.attr("maxpause"));
        assertEquals("1.6", c.attr("ver"), "the lower of both versions");
        assertEquals("localhost", c.attr("from"));
        assertEquals("true", c.attr("xmpp:restartlogic"));
        assertEquals("1.0", c.attr("xmpp:version"));
        String features = features(s);
        assertTrue(features.contains("<mechanism>SCRAM-SHA-256</mechanism>"), features);
        assertTrue(features.contains("<mechanism>PLAIN</mechanism>"), "on loopback, as under TLS: " + features);
        assertFalse(features.contains("starttls"), features);
        assertTrue(xml(post(s.body(" type='terminate'", ""))).attr("type").equals("terminate"));
    }

    @Test
    void requestsAreProcessedInRidOrderWhateverOrderTheyArriveIn() throws Exception {
        String user = TestNodes.newUser(node, "boshorder");
        String tcp = TestNodes.newUser(node, "boshordertcp");
        BlockingQueue<Message> tcpInbox = new LinkedBlockingQueue<>();
        XMPPTCPConnection smack = ItEnvironment.connectStartTls(node, tcp, ItEnvironment.PASSWORD, "desk");
        try {
            // In the order Smack reads them (its async listeners may run out of order).
            smack.addSyncStanzaListener(st -> tcpInbox.add((Message) st),
                    st -> st instanceof Message m && m.getBody() != null);
            Session s = create(10, 1);
            login(s, user, "order");
            long first = s.rid++;
            long second = s.rid++;
            String to = tcp + "@localhost/desk";
            // rid + 1 is sent first: it waits until rid has come, and its stanza goes after rid's.
            CompletableFuture<HttpResponse<String>> later = postAsync("<body xmlns='" + NS + "' rid='" + second
                    + "' sid='" + s.sid + "'><message xmlns='jabber:client' to='" + to + "' type='chat'><body>second"
                    + "</body></message></body>");
            Thread.sleep(300);
            assertFalse(later.isDone(), "held until the gap before it closes");
            assertTrue(tcpInbox.isEmpty(), "its stanza waits too");
            CompletableFuture<HttpResponse<String>> earlier = postAsync("<body xmlns='" + NS + "' rid='" + first
                    + "' sid='" + s.sid + "'><message xmlns='jabber:client' to='" + to + "' type='chat'><body>first"
                    + "</body></message></body>");
            Message a = tcpInbox.poll(10, TimeUnit.SECONDS);
            Message b = tcpInbox.poll(10, TimeUnit.SECONDS);
            assertNotNull(b, "both stanzas delivered");
            assertEquals(List.of("first", "second"), List.of(a.getBody(), b.getBody()));
            assertEquals(200, earlier.get(15, TimeUnit.SECONDS).statusCode(), "released by the later one (hold 1)");
            assertEquals("terminate", xml(post(s.body(" type='terminate'", ""))).attr("type"));
            assertEquals(200, later.get(15, TimeUnit.SECONDS).statusCode());
        } finally {
            smack.disconnect();
        }
    }

    @Test
    void aResponseLostWithItsConnectionIsSentAgainForTheSameRid() throws Exception {
        Session s = create(1, 1);
        features(s);
        long rid = s.rid;
        String original = post(s.body("", "")).body();
        // The same rid again (its response lost): the same response, not a new request.
        assertEquals(original, post("<body xmlns='" + NS + "' rid='" + rid + "' sid='" + s.sid + "'/>").body());
        // The session goes on at the next rid.
        assertEquals(200, post(s.body("", "")).statusCode());
        assertEquals("terminate", xml(post(s.body(" type='terminate'", ""))).attr("type"));
    }

    @Test
    void ridsOutsideTheWindowAndUnknownSessionsGetItemNotFound() throws Exception {
        Session s = create(1, 1);
        features(s);
        s.rid += 2; // requests is 2: rid + 2 is past the window
        Element past = xml(post(s.body("", "")));
        assertEquals("terminate", past.attr("type"));
        assertEquals("item-not-found", past.attr("condition"));
        Element after = xml(post(s.body("", "")));
        assertEquals("terminate", after.attr("type"), "the session ended");

        Element unknown = xml(post("<body xmlns='" + NS + "' rid='5' sid='no-such-session'/>"));
        assertEquals("item-not-found", unknown.attr("condition"));

        // §17.1: a legacy client (no ver at creation) gets the deprecated HTTP errors instead.
        long rid = firstRid();
        Element legacy = xml(post("<body xmlns='" + NS + "' rid='" + rid + "' to='localhost' wait='1' hold='1'/>"));
        assertEquals(null, legacy.attr("ver"));
        assertEquals(404, post("<body xmlns='" + NS + "' rid='" + (rid + 5) + "' sid='" + legacy.attr("sid") + "'/>")
                .statusCode(), "a rid past the window");
    }

    @Test
    void badRequestsGetTheBindingConditions() throws Exception {
        assertEquals("bad-request", xml(post("<body xmlns='" + NS + "' rid='1' to='localhost'>")).attr("condition"),
                "not well-formed");
        assertEquals("bad-request", xml(post("<body xmlns='urn:other' rid='1' to='localhost'/>")).attr("condition"),
                "another namespace");
        assertEquals("bad-request", xml(post("<body xmlns='" + NS + "' rid='1' to='localhost'>text</body>"))
                .attr("condition"), "character data in the wrapper");
        assertEquals("host-unknown", xml(post("<body xmlns='" + NS + "' rid='1' to='elsewhere.example' ver='1.6'"
                + " wait='5' hold='1'/>")).attr("condition"));
        assertEquals("improper-addressing", xml(post("<body xmlns='" + NS + "' rid='1' ver='1.6' wait='5'"
                + " hold='1'/>")).attr("condition"));
        assertEquals("bad-request", xml(post("<body xmlns='" + NS + "' to='localhost' ver='1.6'/>"))
                .attr("condition"), "no rid");
    }

    @Test
    void aStreamErrorEndsTheSessionAsRemoteStreamErrorAndOthersGoOn() throws Exception {
        String user = TestNodes.newUser(node, "boshbystander");
        Session bystander = create(2, 1);
        String full = login(bystander, user, "calm");
        assertEquals(user + "@localhost/calm", full);

        Session s = create(5, 1);
        features(s);
        Element error = xml(post(s.body("", "<message xmlns='jabber:client' to='" + full + "'><body>before auth"
                + "</body></message>")));
        assertEquals("terminate", error.attr("type"), error::toString);
        assertEquals("remote-stream-error", error.attr("condition"));
        assertNotNull(error.child("error", "http://etherx.jabber.org/streams"), "the stream error itself");

        Element iq = xml(post(bystander.body("", "<iq xmlns='jabber:client' type='get' id='r1'>"
                + "<query xmlns='jabber:iq:roster'/></iq>")));
        assertEquals("result", iq.child("iq", "jabber:client").attr("type"), iq::toString);
    }

    @Test
    void terminateEndsTheSessionAndLaterRequestsFindNone() throws Exception {
        String user = TestNodes.newUser(node, "boshterm");
        Session s = create(2, 1);
        login(s, user, "t");
        Element end = xml(post(s.body(" type='terminate'", "<presence xmlns='jabber:client' type='unavailable'/>")));
        assertEquals("terminate", end.attr("type"));
        assertEquals(null, end.attr("condition"), "a clean end");
        Element after = xml(post(s.body("", "")));
        assertEquals("terminate", after.attr("type"));
    }

    @Test
    void whatWaitsForTheClientWhenItTerminatesGoesOutInTheTerminatesAnswer() throws Exception {
        String user = TestNodes.newUser(node, "boshlast");
        String tcp = TestNodes.newUser(node, "boshlasttcp");
        XMPPTCPConnection smack = ItEnvironment.connectStartTls(node, tcp, ItEnvironment.PASSWORD, "desk");
        try {
            Session s = create(2, 1);
            String full = login(s, user, "leaving");
            // No request held: the message waits in the session for the client's next request.
            smack.sendStanza(smack.getStanzaFactory().buildMessageStanza().to(JidCreate.from(full))
                    .ofType(Message.Type.chat).setBody("the last word").build());
            Thread.sleep(1_000);
            Element end = xml(post(s.body(" type='terminate'", "<presence xmlns='jabber:client' type='unavailable'/>")));
            assertEquals("terminate", end.attr("type"), end::toString);
            Element m = end.child("message", "jabber:client");
            assertNotNull(m, () -> "the message that was waiting comes with the end (not dropped): " + end);
            assertEquals("the last word", m.childText("body", "jabber:client"));
        } finally {
            smack.disconnect();
        }
    }

    @Test
    void inactivityEndsASessionButAPauseStretchesIt() throws Exception {
        Session idle = create(1, 1);
        features(idle);
        Thread.sleep(5_500); // inactivity 3 s, swept once a second
        Element gone = xml(post(idle.body("", "")));
        assertEquals("terminate", gone.attr("type"), "ended after 3 s with no request");

        Session paused = create(1, 1);
        features(paused);
        Element pause = xml(post(paused.body(" pause='10'", "")));
        assertTrue(pause.children().isEmpty(), "a pause is answered at once, without payloads");
        Thread.sleep(5_500);
        Element alive = xml(post(paused.body("", "")));
        assertEquals(null, alive.attr("type"), () -> "still there after 5.5 s of a 10 s pause: " + alive);
        Element tooLong = xml(post(paused.body(" pause='121'", "")));
        assertEquals("policy-violation", tooLong.attr("condition"), "past maxpause");
    }

    @Test
    void aHeldRequestIsAnsweredEmptyWhenItsWaitRunsOut() throws Exception {
        Session s = create(1, 1);
        features(s);
        long start = System.nanoTime();
        Element empty = xml(post(s.body("", "")));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(empty.children().isEmpty(), empty::toString);
        assertTrue(ms >= 900, "held about wait (1 s), answered after " + ms + " ms");
        // A second request releases the held one at once (hold is 1).
        CompletableFuture<HttpResponse<String>> held = postAsync(s.body("", ""));
        Thread.sleep(200);
        assertFalse(held.isDone());
        CompletableFuture<HttpResponse<String>> next = postAsync(s.body("", ""));
        assertEquals(200, held.get(900, TimeUnit.MILLISECONDS).statusCode(), "released by the next request");
        assertEquals(200, next.get(5, TimeUnit.SECONDS).statusCode());
    }

    @Test
    void aPollingSessionThatPollsTooOftenEnds() throws Exception {
        Session s = create(0, 0);
        assertEquals("1", s.created.attr("requests"));
        assertEquals("2", s.created.attr("polling"));
        for (int i = 0; i < 10 && s.created.child("features", "http://etherx.jabber.org/streams") == null; i++) {
            Thread.sleep(2_100);
            if (xml(post(s.body("", ""))).child("features", "http://etherx.jabber.org/streams") != null) break;
        }
        Thread.sleep(2_100);
        Element first = xml(post(s.body("", "")));
        assertEquals(null, first.attr("type"), first::toString);
        Element second = xml(post(s.body("", "")));
        assertEquals("policy-violation", second.attr("condition"), "two empty polls within 2 s");
    }

    @Test
    void corsIsAnsweredForAllowedOriginsOnly() throws Exception {
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(url()))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", ALLOWED)
                .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, preflight.statusCode());
        assertEquals(ALLOWED, preflight.headers().firstValue("access-control-allow-origin").orElse(null));
        assertTrue(preflight.headers().firstValue("access-control-allow-methods").orElse("").contains("POST"));
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create(url())).header("Origin",
                "https://evil.example").POST(HttpRequest.BodyPublishers.ofString("<body xmlns='" + NS + "' rid='1'"
                        + " to='localhost' ver='1.6'/>")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, other.statusCode());
        assertThrows(IllegalArgumentException.class, () -> StoredXml.parse(other.body()));
    }
}
