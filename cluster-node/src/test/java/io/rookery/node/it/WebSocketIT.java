package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * XMPP over WebSocket (RFC 7395) on a node's HTTP listeners, with the JDK's WebSocket client against a node on real
 * Cassandra: the framing (open, close, one element per message with its namespaces), login and chat with a Smack
 * client on TCP, HTTPS with the node's certificate, XEP-0156 host-meta naming the endpoints, the upgrades refused (no xmpp subprotocol, an origin not
 * allowed), and a stream error for bad input that leaves other sessions alone.
 */
class WebSocketIT {
    private static final String ALLOWED = "https://chat.example";
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNodes.startNode(Map.of("rookery.http.enabled", true,
                "rookery.http.allowed-origins", List.of(ALLOWED)));
        assertTrue(node.httpPlainPort() > 0 && node.httpTlsPort() > 0, "both HTTP listeners bound");
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static String plainUri() {
        return "ws://127.0.0.1:" + node.httpPlainPort() + "/xmpp-websocket";
    }

    @Test
    void aWebSocketClientLogsInAndChatsWithATcpClientThenCloses() throws Exception {
        String web = TestNodes.newUser(node, "wsweb");
        String tcp = TestNodes.newUser(node, "wstcp");
        BlockingQueue<Message> tcpInbox = new LinkedBlockingQueue<>();
        XMPPTCPConnection smack = ItEnvironment.connectStartTls(node, tcp, ItEnvironment.PASSWORD, "desk");
        try (WsClient ws = WsClient.connect(plainUri(), null, ALLOWED, "xmpp")) {
            smack.addAsyncStanzaListener(s -> tcpInbox.add((Message) s),
                    s -> s instanceof Message m && m.getBody() != null);
            assertEquals("xmpp", ws.socket.getSubprotocol(), "RFC 7395 §3.1: the subprotocol agreed");

            // §3.4: the server's <open/> in the framing namespace, then the features, each its own message.
            ws.send(WsClient.OPEN);
            Element open = StoredXml.parse(ws.next());
            assertEquals("open", open.name());
            assertEquals(WsClient.FRAMING, open.namespace());
            assertEquals("localhost", open.attr("from"));
            assertEquals("1.0", open.attr("version"));
            assertTrue(open.attr("id") != null && !open.attr("id").isEmpty(), "a stream id");
            String features = ws.next();
            assertTrue(features.startsWith("<stream:features xmlns:stream='http://etherx.jabber.org/streams'"),
                    features);
            // The connection is loopback (as a TLS-terminating proxy's would be): SASL as under TLS, no STARTTLS.
            assertFalse(features.contains("starttls"), features);
            assertTrue(features.contains("<mechanism>PLAIN</mechanism>"), features);
            ws.send("<close xmlns='" + WsClient.FRAMING + "'/>");
            assertTrue(ws.await("<close ").contains(WsClient.FRAMING));
        }

        try (WsClient ws = WsClient.connect(plainUri(), null, ALLOWED, "xmpp")) {
            String full = ws.login(web, ItEnvironment.PASSWORD, "browser");
            assertEquals(web + "@localhost/browser", full);
            ws.send("<presence xmlns='jabber:client'/>");

            // To the TCP client: a stanza in jabber:client, its from stamped by the node.
            ws.send("<message xmlns='jabber:client' to='" + tcp + "@localhost/desk' type='chat' id='w1'>"
                    + "<body>from the browser</body></message>");
            Message got = tcpInbox.poll(10, TimeUnit.SECONDS);
            assertTrue(got != null, "the TCP client gets the WebSocket client's message");
            assertEquals("from the browser", got.getBody());
            assertEquals(full, got.getFrom().toString());

            // From the TCP client: one WebSocket message, a stanza standing alone in jabber:client.
            smack.sendStanza(smack.getStanzaFactory().buildMessageStanza()
                    .to(JidCreate.from(full)).ofType(Message.Type.chat).setBody("to the browser & back <3").build());
            Element m = StoredXml.parse(ws.await("to the browser"));
            assertEquals("message", m.name());
            assertEquals("jabber:client", m.namespace());
            assertEquals("to the browser & back <3", m.childText("body", "jabber:client"));
            assertEquals(tcp + "@localhost/desk", m.attr("from"));

            // §3.6: the client's <close/> is answered with the server's, and the server closes the connection.
            ws.send("<close xmlns='" + WsClient.FRAMING + "'/>");
            assertTrue(ws.await("<close ").contains(WsClient.FRAMING));
            assertEquals(1000, ws.closed.get(10, TimeUnit.SECONDS), "a normal closure");
        } finally {
            smack.disconnect();
        }
    }

    @Test
    void overHttpsWithTheNodesCertificate() throws Exception {
        String user = TestNodes.newUser(node, "wss");
        String uri = "wss://localhost:" + node.httpTlsPort() + "/xmpp-websocket";
        try (WsClient ws = WsClient.connect(uri, TestNodes.trustingContext(node), null, "xmpp")) {
            assertEquals(user + "@localhost/tls", ws.login(user, ItEnvironment.PASSWORD, "tls"));
            ws.send("<iq xmlns='jabber:client' type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>");
            Element roster = StoredXml.parse(ws.await("id='r1'"));
            assertEquals("result", roster.attr("type"));
        }
    }

    @Test
    void hostMetaNamesTheWebSocketEndpointsAndTheyWork() throws Exception {
        // XEP-0156 §3: the XRD and JSON documents, on each listener, readable from any web page (CORS).
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .sslContext(TestNodes.trustingContext(node)).build();
        var plainXrd = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + node.httpPlainPort() + "/.well-known/host-meta")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, plainXrd.statusCode());
        assertTrue(plainXrd.headers().firstValue("content-type").orElse("").startsWith("application/xrd+xml"),
                plainXrd.headers().toString());
        assertEquals("*", plainXrd.headers().firstValue("access-control-allow-origin").orElse(null));
        Element xrd = StoredXml.parse(plainXrd.body().substring(plainXrd.body().indexOf("<XRD")));
        assertEquals("http://docs.oasis-open.org/ns/xri/xrd-1.0", xrd.namespace());
        Element link = xrd.children("Link", xrd.namespace()).stream()
                .filter(l -> "urn:xmpp:alt-connections:websocket".equals(l.attr("rel"))).findFirst().orElseThrow();
        assertEquals(plainUri(), link.attr("href"), "the endpoint at the address asked");
        Element bosh = xrd.children("Link", xrd.namespace()).stream()
                .filter(l -> "urn:xmpp:alt-connections:xbosh".equals(l.attr("rel"))).findFirst().orElseThrow();
        assertEquals("http://127.0.0.1:" + node.httpPlainPort() + "/http-bind", bosh.attr("href"),
                "BOSH's endpoint too");

        String tlsBase = "https://localhost:" + node.httpTlsPort();
        var json = http.send(java.net.http.HttpRequest.newBuilder(URI.create(tlsBase + "/.well-known/host-meta.json"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, json.statusCode());
        assertTrue(json.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "\\{\"rel\":\"urn:xmpp:alt-connections:websocket\",\"href\":\"([^\"]+)\"}").matcher(json.body());
        assertTrue(m.find(), json.body());
        String wss = m.group(1);
        assertEquals("wss://localhost:" + node.httpTlsPort() + "/xmpp-websocket", wss);
        assertTrue(json.body().contains("{\"rel\":\"urn:xmpp:alt-connections:xbosh\",\"href\":\"https://localhost:"
                + node.httpTlsPort() + "/http-bind\"}"), json.body());

        // A client that knew only the listener reaches XMPP through the link.
        String user = TestNodes.newUser(node, "wsdiscovered");
        try (WsClient ws = WsClient.connect(wss, TestNodes.trustingContext(node), null, "xmpp")) {
            assertEquals(user + "@localhost/found", ws.login(user, ItEnvironment.PASSWORD, "found"));
        }
    }

    @Test
    void upgradesWithoutTheSubprotocolOrFromAnotherOriginAreRefused() throws Exception {
        assertEquals(400, WsClient.refusedWith(plainUri(), null, null), "RFC 7395 §3.1: xmpp must be asked for");
        assertEquals(400, WsClient.refusedWith(plainUri(), null, null, "chat"));
        assertEquals(403, WsClient.refusedWith(plainUri(), null, "https://evil.example", "xmpp"),
                "an origin not in rookery.http.allowed-origins");
        // Without an Origin (not a browser) and with one allowed, the upgrade goes through.
        try (WsClient ws = WsClient.connect(plainUri(), null, null, "xmpp")) {
            ws.send(WsClient.OPEN);
            assertTrue(ws.next().startsWith("<open "));
        }
    }

    @Test
    void badInputEndsThatStreamWithAStreamErrorAndNoOther() throws Exception {
        String user = TestNodes.newUser(node, "wsbystander");
        try (WsClient bystander = WsClient.connect(plainUri(), null, ALLOWED, "xmpp");
                WsClient bad = WsClient.connect(plainUri(), null, ALLOWED, "xmpp")) {
            String full = bystander.login(user, ItEnvironment.PASSWORD, "calm");
            bad.send(WsClient.OPEN);
            bad.await("<stream:features");
            bad.send("<message xmlns='jabber:client'><body>unclosed</message>");
            String error = bad.await("<stream:error");
            assertTrue(error.contains("xmlns:stream='http://etherx.jabber.org/streams'"), error);
            assertTrue(error.contains("not-well-formed"), error);
            assertTrue(bad.await("<close ").contains(WsClient.FRAMING));
            bad.closed.get(10, TimeUnit.SECONDS);

            // The other session still answers.
            bystander.send("<iq xmlns='jabber:client' type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/>"
                    + "</iq>");
            Element pong = StoredXml.parse(bystander.await("id='p1'"));
            assertEquals("result", pong.attr("type"));
            assertEquals(full, pong.attr("to"));
        }
    }
}
