package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.io.File;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * XEP-0215 against a real TURN server: Debian's coturn on loopback in its use-auth-secret mode, the node configured
 * with its secret. A Smack client asks its server for the external services and for credentials; coturn's own test
 * client (turnutils_uclient) then allocates a relay with the credentials the node gave, and fails with altered ones.
 */
class ExtDiscoIT {
    private static final String NS = "urn:xmpp:extdisco:2";
    private static RookeryNode node;
    private static Process turn;
    private static int turnPort;

    @BeforeAll
    static void start() throws Exception {
        for (String tool : List.of("turnserver", "turnutils_uclient")) {
            assertTrue(onPath(tool), tool + " is needed (bin/rookery test installs coturn from Debian)");
        }
        String secret = HexFormat.of().formatHex(SecureRandom.getInstanceStrong().generateSeed(16));
        try (DatagramSocket probe = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            turnPort = probe.getLocalPort();
        }
        int relayFrom = 50_000 + new SecureRandom().nextInt(150) * 100;
        Path dir = Files.createTempDirectory(TestNodes.testDir(), "coturn");
        turn = new ProcessBuilder("turnserver", "-n", "--listening-ip=127.0.0.1", "--listening-port=" + turnPort,
                "--relay-ip=127.0.0.1", "--min-port=" + relayFrom, "--max-port=" + (relayFrom + 99),
                "--use-auth-secret", "--static-auth-secret=" + secret, "--realm=localhost", "--no-tls", "--no-dtls",
                "--no-cli", "--allow-loopback-peers", "--log-file=stdout", "--simple-log", "--pidfile=" + dir.resolve("pid"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("turnserver.log").toFile()).start();
        node = TestNodes.startNode(Map.of("rookery.modules.extdisco.services", List.of(
                Map.of("type", "stun", "host", "127.0.0.1", "port", turnPort, "transport", "udp"),
                Map.of("type", "turn", "host", "127.0.0.1", "port", turnPort, "transport", "udp",
                        "name", "test relay", "secret", secret, "ttl", "1h"))));
        awaitTurnListening(dir.resolve("turnserver.log"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (node != null) node.close();
        } finally {
            if (turn != null) {
                turn.destroy();
                if (!turn.waitFor(10, TimeUnit.SECONDS)) turn.destroyForcibly();
            }
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    /** coturn listens on TCP as on UDP at its port: up once a TCP connection is taken; bounded. */
    private static void awaitTurnListening(Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!turn.isAlive()) throw new AssertionError("turnserver exited: " + Files.readString(log));
            try (java.net.Socket probe = new java.net.Socket()) {
                probe.connect(new java.net.InetSocketAddress("127.0.0.1", turnPort), 500);
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("turnserver did not listen within 20 s: " + Files.readString(log));
    }

    /** An iq get to the server with this payload; the answer's payload, or the error thrown. */
    private static Element ask(XMPPTCPConnection c, String name, String attrs, String inner) throws Exception {
        IQ iq = new IQ(name, NS) {
            @Override
            protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
                xml.append(attrs).rightAngleBracket().append(inner);
                return xml;
            }
        };
        iq.setType(IQ.Type.get);
        iq.setTo(JidCreate.domainBareFrom("localhost"));
        IQ answer = c.createStanzaCollectorAndSend(iq).nextResultOrThrow();
        // Smack has no XEP-0215 provider: the payload comes as it was received.
        assertTrue(answer instanceof org.jivesoftware.smack.packet.UnparsedIQ, answer::toString);
        Element payload = StoredXml.parse(((org.jivesoftware.smack.packet.UnparsedIQ) answer).getContent().toString());
        assertEquals(name, payload.name());
        return payload;
    }

    /** coturn's client allocates a relay and sends a few packets through it; its exit code. */
    private static int allocate(String username, String password) throws Exception {
        Process p = new ProcessBuilder("turnutils_uclient", "-y", "-c", "-n", "2", "-m", "1", "-l", "100",
                "-u", username, "-w", password, "-p", Integer.toString(turnPort), "127.0.0.1")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("turnutils_uclient did not finish: " + out);
        }
        return p.exitValue();
    }

    @Test
    void theTurnCredentialsTheServerGivesWorkAtCoturn() throws Exception {
        String user = TestNodes.newUser(node, "turn");
        XMPPTCPConnection c = ItEnvironment.connectStartTls(node, user, ItEnvironment.PASSWORD, "call");
        try {
            Element all = ask(c, "services", "", "");
            assertNotNull(all, "§3.1: the list");
            List<Element> services = all.children("service", NS);
            assertEquals(2, services.size(), all::toString);
            Element stun = services.get(0);
            assertEquals("stun", stun.attr("type"));
            assertEquals(Integer.toString(turnPort), stun.attr("port"));
            assertEquals(null, stun.attr("username"), "STUN needs no credentials");
            Element relay = services.get(1);
            assertEquals("turn", relay.attr("type"));
            assertEquals("127.0.0.1", relay.attr("host"));
            assertEquals("udp", relay.attr("transport"));
            assertEquals("test relay", relay.attr("name"));
            String username = relay.attr("username");
            assertTrue(username.endsWith(":" + user + "@localhost"), username);
            Instant expires = Instant.parse(relay.attr("expires"));
            assertEquals(Long.parseLong(username.substring(0, username.indexOf(':'))), expires.getEpochSecond());
            assertTrue(expires.isAfter(Instant.now().plus(Duration.ofMinutes(55))), "good for the configured hour");

            assertEquals(0, allocate(username, relay.attr("password")), "coturn takes the credentials");
            String wrong = relay.attr("password").substring(1) + "A";
            assertNotEquals(0, allocate(username, wrong), "coturn refuses altered ones");
            assertNotEquals(0, allocate(username.replace(user, user + "x"), relay.attr("password")),
                    "the credentials are bound to the user they were given to");

            // §3.2: one type.
            Element turnOnly = ask(c, "services", " type='turn'", "");
            assertEquals("turn", turnOnly.attr("type"));
            assertEquals(List.of("turn"), turnOnly.children("service", NS).stream().map(e -> e.attr("type")).toList());

            // §3.3: credentials for one service; an unknown one is item-not-found.
            Element creds = ask(c, "credentials", "", "<service host='127.0.0.1' type='turn'/>");
            Element given = creds.child("service", NS);
            assertEquals(0, allocate(given.attr("username"), given.attr("password")));
            XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> ask(c, "credentials", "", "<service host='turn.example.net' type='turn'/>"));
            assertEquals(StanzaError.Condition.item_not_found, e.getStanzaError().getCondition());
        } finally {
            c.disconnect();
        }
    }
}
