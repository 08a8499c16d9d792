package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.rookery.node.RookeryNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Platform logins against a node over real TLS sockets, with the platform played by an HTTP server in this JVM
 * that serves the JWK set and answers the password callout: a JWT login creates its account and can chat, a bad
 * signature and an expired token get RFC 7628's error challenge and then not-authorized and credentials-expired,
 * the callout accepts and refuses, and a callout that sleeps past the timeout gets temporary-auth-failure while a
 * session already logged in goes on exchanging messages.
 */
class PlatformLoginIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String AUDIENCE = "rookery-it";
    private static final Duration CALLOUT_TIMEOUT = Duration.ofSeconds(2);
    private static final String SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
    private static HttpServer platform;
    private static final AtomicInteger jwksServed = new AtomicInteger();
    private static KeyPair signing;
    private static KeyPair stranger;
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        signing = g.generateKeyPair();
        stranger = g.generateKeyPair();
        platform = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // Threads of its own: the sleeping callout must not hold up the others.
        platform.setExecutor(Executors.newCachedThreadPool());
        platform.createContext("/jwks", ex -> {
            jwksServed.incrementAndGet();
            reply(ex, 200, jwks(signing));
        });
        platform.createContext("/check", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (body.contains("\"user\":\"sleepy\"")) {
                sleep(CALLOUT_TIMEOUT.multipliedBy(3));
                reply(ex, 200, "{}");
            } else if (body.contains("\"user\":\"carol\"") && body.contains("\"password\":\"platform pass\"")
                    && body.contains("\"server\":\"localhost\"")) {
                reply(ex, 200, "{}");
            } else if (body.contains("\"user\":\"broken\"")) {
                reply(ex, 503, "{}");
            } else {
                reply(ex, 401, "{}");
            }
        });
        platform.start();
        String base = "http://127.0.0.1:" + platform.getAddress().getPort();
        node = ItEnvironment.startNode(Map.of(
                "rookery.auth.jwt.enabled", true,
                "rookery.auth.jwt.jwks-url", base + "/jwks",
                "rookery.auth.jwt.audience", AUDIENCE,
                "rookery.auth.callout.url", base + "/check",
                "rookery.auth.callout.timeout", CALLOUT_TIMEOUT.toMillis() + "ms"));
        // The keys are fetched asynchronously at start; logins before that get temporary-auth-failure.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (jwksServed.get() == 0 && System.nanoTime() < deadline) Thread.sleep(50);
        Thread.sleep(500);
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
        if (platform != null) platform.stop(0);
    }

    @Test
    void aJwtLoginCreatesTheAccountAndItCanSendAMessage() throws Exception {
        String bob = ItEnvironment.newUser(node, "bob");
        XMPPTCPConnection bobConn = ItEnvironment.connectStartTls(node, bob, ItEnvironment.PASSWORD, "phone");
        BlockingQueue<String> got = new ArrayBlockingQueue<>(10);
        bobConn.addAsyncStanzaListener(s -> got.add(((Message) s).getBody()), s -> s instanceof Message m
                && m.getBody() != null);
        String user = ItEnvironment.freshUserName("jwt");
        try (TlsClient c = TlsClient.open(node, "127.0.0.10")) {
            String features = c.send(RawClient.HEADER).await("</stream:features>", WAIT);
            assertTrue(features.contains("<mechanism>OAUTHBEARER</mechanism>"), features);
            c.send(oauthBearer(token(signing, user + "@localhost", future())));
            c.await("<success", WAIT);
            c.send(RawClient.HEADER).awaitCount("</stream:features>", 2, WAIT);
            c.send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");
            assertTrue(c.await("</iq>", WAIT).contains(user + "@localhost/"), c.text());
            c.send("<message to='" + bobConn.getUser() + "' type='chat'><body>from the platform</body></message>");
            assertEquals("from the platform", got.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
        } finally {
            bobConn.disconnect();
        }
    }

    @Test
    void smackLogsInWithXOAuth2AndItsToken() throws Exception {
        org.jivesoftware.smack.SASLAuthentication.registerSASLMechanism(
                new org.jivesoftware.smack.sasl.core.SASLXOauth2Mechanism());
        String user = ItEnvironment.freshUserName("smack-jwt");
        var config = org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain("localhost")
                .setHostAddress(java.net.InetAddress.getLoopbackAddress())
                .setPort(node.starttlsPort())
                .setSecurityMode(org.jivesoftware.smack.ConnectionConfiguration.SecurityMode.required)
                .setCustomX509TrustManager(ItEnvironment.trustManager(node))
                // Smack puts the token where PLAIN's password goes; the token's sub is the bare localpart here.
                .setUsernameAndPassword(user, token(signing, user, future()))
                .addEnabledSaslMechanism("X-OAUTH2")
                .setConnectTimeout(15_000)
                .build();
        XMPPTCPConnection c = new XMPPTCPConnection(config);
        try {
            c.connect().login();
            assertTrue(c.isAuthenticated());
            assertEquals(user + "@localhost", c.getUser().asBareJid().toString());
        } finally {
            c.disconnect();
        }
    }

    @Test
    void aTokenWithABadSignatureGetsTheErrorChallengeThenNotAuthorized() throws Exception {
        try (TlsClient c = TlsClient.open(node, "127.0.0.11")) {
            c.send(RawClient.HEADER).await("</stream:features>", WAIT);
            c.send(oauthBearer(token(stranger, "mallory@localhost", future())));
            String challenge = c.await("</challenge>", WAIT);
            assertTrue(decodedChallenge(challenge).contains("\"status\":\"invalid_token\""), challenge);
            c.send("<response xmlns='" + SASL + "'>AQ==</response>");
            assertTrue(c.await("</failure>", WAIT).contains("<not-authorized/>"), c.text());
        }
    }

    @Test
    void anExpiredTokenGetsCredentialsExpired() throws Exception {
        try (TlsClient c = TlsClient.open(node, "127.0.0.12")) {
            c.send(RawClient.HEADER).await("</stream:features>", WAIT);
            c.send(oauthBearer(token(signing, "alice@localhost", System.currentTimeMillis() / 1000 - 3600)));
            c.await("</challenge>", WAIT);
            c.send("<response xmlns='" + SASL + "'>AQ==</response>");
            assertTrue(c.await("</failure>", WAIT).contains("<credentials-expired/>"), c.text());
        }
    }

    @Test
    void overSasl2TheSameStepsAreFramedInItsNamespace() throws Exception {
        String sasl2 = "urn:xmpp:sasl:2";
        String user = ItEnvironment.freshUserName("sasl2-jwt");
        try (TlsClient c = TlsClient.open(node, "127.0.0.15")) {
            String features = c.send(RawClient.HEADER).await("</stream:features>", WAIT);
            assertTrue(features.contains("<authentication xmlns='" + sasl2 + "'>"), features);
            c.send("<authenticate xmlns='" + sasl2 + "' mechanism='OAUTHBEARER'><initial-response>"
                    + gs2(token(signing, user, System.currentTimeMillis() / 1000 - 3600))
                    + "</initial-response></authenticate>");
            assertTrue(c.await("</challenge>", WAIT).contains("<challenge xmlns='" + sasl2 + "'>"), c.text());
            c.send("<response xmlns='" + sasl2 + "'>AQ==</response>");
            String failed = c.await("</failure>", WAIT);
            assertTrue(failed.contains("<failure xmlns='" + sasl2 + "'>") && failed.contains("<credentials-expired"),
                    failed);
            c.send("<authenticate xmlns='" + sasl2 + "' mechanism='OAUTHBEARER'><initial-response>"
                    + gs2(token(signing, user, future())) + "</initial-response></authenticate>");
            assertTrue(c.await("</success>", WAIT).contains("<authorization-identifier>" + user + "@localhost"),
                    c.text());
        }
    }

    @Test
    void theCalloutAcceptsTheRightPasswordAndRefusesAWrongOne() throws Exception {
        try (TlsClient c = TlsClient.open(node, "127.0.0.13")) {
            String features = c.send(RawClient.HEADER).await("</stream:features>", WAIT);
            assertTrue(features.contains("<mechanism>PLAIN</mechanism>"), features);
            c.send(plain("carol", "platform pass"));
            c.await("<success", WAIT);
            c.send(RawClient.HEADER).awaitCount("</stream:features>", 2, WAIT);
            c.send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");
            assertTrue(c.await("</iq>", WAIT).contains("carol@localhost/"), c.text());
        }
        try (TlsClient c = TlsClient.open(node, "127.0.0.13")) {
            c.send(RawClient.HEADER).await("</stream:features>", WAIT);
            c.send(plain("carol", "guess"));
            assertTrue(c.await("</failure>", WAIT).contains("<not-authorized/>"), c.text());
            c.send(plain("broken", "pw"));
            assertTrue(c.awaitCount("</failure>", 2, WAIT).contains("<temporary-auth-failure/>"), c.text());
        }
    }

    @Test
    void aCalloutPastItsTimeoutGetsTemporaryAuthFailureAndDisturbsNoOtherSession() throws Exception {
        String a = ItEnvironment.newUser(node, "steady-a");
        String b = ItEnvironment.newUser(node, "steady-b");
        XMPPTCPConnection aConn = ItEnvironment.connectStartTls(node, a, ItEnvironment.PASSWORD, "r");
        XMPPTCPConnection bConn = ItEnvironment.connectStartTls(node, b, ItEnvironment.PASSWORD, "r");
        BlockingQueue<String> got = new ArrayBlockingQueue<>(10);
        bConn.addAsyncStanzaListener(s -> got.add(((Message) s).getBody()), s -> s instanceof Message m
                && m.getBody() != null);
        double timeoutsBefore = NodeScrape.sample(node, "xmpp_auth_callout_failures_total{reason=\"timeout\"}");
        try (TlsClient c = TlsClient.open(node, "127.0.0.14")) {
            c.send(RawClient.HEADER).await("</stream:features>", WAIT);
            long started = System.nanoTime();
            c.send(plain("sleepy", "pw"));
            // While the platform sleeps on that login, the established sessions go on as before.
            for (int i = 0; i < 3; i++) {
                long sent = System.nanoTime();
                aConn.sendStanza(aConn.getStanzaFactory().buildMessageStanza().to(bConn.getUser())
                        .setBody("meanwhile " + i).build());
                assertEquals("meanwhile " + i, got.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
                assertTrue(System.nanoTime() - sent < CALLOUT_TIMEOUT.toNanos() / 2,
                        "a message took longer than half the callout timeout");
            }
            assertFalse(c.readAvailable().contains("</failure>"), "answered before the callout timed out");
            String answer = c.await("</failure>", WAIT);
            long took = System.nanoTime() - started;
            assertTrue(answer.contains("<temporary-auth-failure/>"), answer);
            assertTrue(took >= CALLOUT_TIMEOUT.toNanos() && took < CALLOUT_TIMEOUT.multipliedBy(3).toNanos(),
                    "answered after " + took / 1_000_000 + " ms");
            // The stream stays usable: a client retries on it.
            c.send(plain("carol", "platform pass"));
            c.await("<success", WAIT);
        } finally {
            aConn.disconnect();
            bConn.disconnect();
        }
        assertTrue(NodeScrape.sample(node, "xmpp_auth_callout_failures_total{reason=\"timeout\"}") > timeoutsBefore);
    }

    // ---- the platform's side -----------------------------------------------------------------------------------

    private static long future() {
        return System.currentTimeMillis() / 1000 + 3600;
    }

    private static String token(KeyPair key, String sub, long exp) throws Exception {
        String header = b64("{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64(("{\"sub\":\"" + sub + "\",\"aud\":\"" + AUDIENCE + "\",\"exp\":" + exp + "}")
                .getBytes(StandardCharsets.UTF_8));
        return header + "." + claims + "." + b64(rs256(key.getPrivate(), header + "." + claims));
    }

    private static byte[] rs256(PrivateKey k, String input) throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(k);
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        return s.sign();
    }

    private static String jwks(KeyPair k) {
        RSAPublicKey p = (RSAPublicKey) k.getPublic();
        return "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"alg\":\"RS256\",\"use\":\"sig\",\"n\":\""
                + b64(unsigned(p.getModulus())) + "\",\"e\":\"" + b64(unsigned(p.getPublicExponent())) + "\"}]}";
    }

    private static byte[] unsigned(BigInteger i) {
        byte[] b = i.toByteArray();
        return b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        } catch (IOException e) {
            // The node gave up on a sleeping callout and closed the connection.
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the client's side -------------------------------------------------------------------------------------

    private static String oauthBearer(String token) {
        return "<auth xmlns='" + SASL + "' mechanism='OAUTHBEARER'>" + gs2(token) + "</auth>";
    }

    /** RFC 7628 §3.1's client response, base64. */
    private static String gs2(String token) {
        String gs2 = "n,,\u0001auth=Bearer " + token + "\u0001\u0001";
        return Base64.getEncoder().encodeToString(gs2.getBytes(StandardCharsets.UTF_8));
    }

    private static String plain(String user, String password) {
        return "<auth xmlns='" + SASL + "' mechanism='PLAIN'>" + Base64.getEncoder()
                .encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8)) + "</auth>";
    }

    private static String decodedChallenge(String text) {
        int start = text.indexOf("<challenge");
        String inner = text.substring(text.indexOf('>', start) + 1, text.indexOf("</challenge>"));
        return new String(Base64.getDecoder().decode(inner), StandardCharsets.UTF_8);
    }

    /** RawClient's reading over direct TLS (XEP-0368), with the node's own certificate trusted. */
    static final class TlsClient implements AutoCloseable {
        private final SSLSocket socket;
        private final InputStream in;
        private final OutputStream out;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private boolean eof;

        private TlsClient(SSLSocket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(200);
            socket.startHandshake();
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        static TlsClient open(RookeryNode node, String localAddress) throws Exception {
            Socket plain = new Socket();
            plain.bind(new InetSocketAddress(localAddress, 0));
            plain.connect(new InetSocketAddress("127.0.0.1", node.directTlsPort()), 5000);
            SSLSocket tls = (SSLSocket) ItEnvironment.trustingContext(node).getSocketFactory()
                    .createSocket(plain, "localhost", node.directTlsPort(), true);
            tls.setUseClientMode(true);
            return new TlsClient(tls);
        }

        TlsClient send(String xml) throws IOException {
            out.write(xml.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return this;
        }

        String await(String needle, Duration timeout) throws IOException {
            return awaitCount(needle, 1, timeout);
        }

        String awaitCount(String needle, int n, Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count(text(), needle) < n) {
                if (eof) throw new AssertionError("connection closed before '" + needle + "'; got: " + text());
                if (System.nanoTime() > deadline) throw new AssertionError("no '" + needle + "' in: " + text());
                readSome();
            }
            return text();
        }

        String readAvailable() throws IOException {
            if (!eof) readSome();
            return text();
        }

        private static int count(String text, String needle) {
            int n = 0;
            for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) n++;
            return n;
        }

        private void readSome() throws IOException {
            byte[] buf = new byte[8192];
            try {
                int n = in.read(buf);
                if (n < 0) eof = true;
                else received.write(buf, 0, n);
            } catch (SocketTimeoutException e) {
                // poll again
            } catch (IOException e) {
                eof = true;
            }
        }

        String text() {
            return received.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
