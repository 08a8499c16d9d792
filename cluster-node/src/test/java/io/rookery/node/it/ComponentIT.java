package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import io.rookery.protocol.xep.component.Handshake;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * XEP-0114 external components: a real one (slixmpp's ComponentXMPP, {@code slixmpp_echo_component.py}) connects
 * as echo.localhost and talks with a Smack user both ways; raw sockets show the refusals (wrong secret, unknown
 * domain, a domain already connected, a forged 'from'), and a user's message to a domain with no component
 * connected comes back as service-unavailable.
 */
class ComponentIT {
    /** Debian's interpreter: python3-slixmpp installs into its dist-packages, not into other Pythons on the PATH. */
    private static final String PYTHON = "/usr/bin/python3";
    private static final String ECHO_SECRET = "echo s3cret";
    private static final String RAW_SECRET = "raw-secret";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createDirectories(TestNodes.testDir().resolve("component-" + System.nanoTime()));
        Path rawSecret = Files.writeString(dir.resolve("raw.secret"), RAW_SECRET + "\n");
        node = TestNodes.startNode(dir, Map.of(
                "rookery.components.enabled", true,
                "rookery.components.port", 0,
                "rookery.components.domains.\"echo.localhost\".secret", ECHO_SECRET,
                "rookery.components.domains.\"raw.localhost\".secret-file", rawSecret.toString(),
                "rookery.components.domains.\"off.localhost\".secret", "never used"));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @Test
    void aSlixmppComponentGreetsAUserAndEchoesItsMessages() throws Exception {
        String user = ItEnvironment.newUser(node, "comp");
        XMPPTCPConnection c = ItEnvironment.connectStartTls(node, user, ItEnvironment.PASSWORD, "r");
        BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
        c.addSyncStanzaListener(s -> inbox.add((Message) s), s -> s instanceof Message m && m.getBody() != null);
        Path script = Files.createTempDirectory(TestNodes.testDir(), "component").resolve("echo.py");
        try (InputStream in = ComponentIT.class.getResourceAsStream("/slixmpp_echo_component.py")) {
            Files.copy(in, script);
        }
        Process p = new ProcessBuilder(PYTHON, script.toString(), "127.0.0.1", Integer.toString(node.componentPort()),
                "echo.localhost", ECHO_SECRET, user + "@localhost").redirectErrorStream(true).start();
        BlockingQueue<String> printed = lines(p.getInputStream());
        try {
            awaitLine(printed, "component connected");
            Message hello = inbox.poll(20, TimeUnit.SECONDS);
            assertNotNull(hello, "the component's own message did not arrive");
            assertEquals("hello from echo.localhost", hello.getBody());
            assertEquals("echo.localhost", hello.getFrom().toString());

            for (String to : new String[] {"echo.localhost", "bot@echo.localhost"}) {
                c.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from(to)).ofType(Message.Type.chat)
                        .setBody("ping " + to).build());
                Message echo = inbox.poll(20, TimeUnit.SECONDS);
                assertNotNull(echo, "no echo from " + to + "; the component printed " + printed);
                assertEquals("echo: ping " + to, echo.getBody());
                assertEquals(to, echo.getFrom().toString());
            }

            // One connection per domain: a second one with the right secret is refused with conflict.
            try (RawClient raw = new RawClient(node.componentPort())) {
                String id = open(raw, "echo.localhost");
                raw.send("<handshake>" + Handshake.digest(id, ECHO_SECRET) + "</handshake>");
                assertTrue(raw.awaitClose(WAIT).contains("<conflict"), raw.text());
            }
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            c.disconnect();
        }
    }

    @Test
    void aWrongSecretIsNotAuthorizedAndAnUnknownDomainIsHostUnknown() throws Exception {
        try (RawClient raw = new RawClient(node.componentPort())) {
            String id = open(raw, "raw.localhost");
            raw.send("<handshake>" + Handshake.digest(id, "not " + RAW_SECRET) + "</handshake>");
            String text = raw.awaitClose(WAIT);
            assertTrue(text.contains("<not-authorized"), text);
            assertTrue(!text.contains("<handshake/>"), text);
        }
        try (RawClient raw = new RawClient(node.componentPort())) {
            raw.send(header("nobody.localhost"));
            assertTrue(raw.awaitClose(WAIT).contains("<host-unknown"), raw.text());
        }
    }

    @Test
    void aStanzaWithAForgedFromClosesTheComponentsStreamWithInvalidFrom() throws Exception {
        try (RawClient raw = new RawClient(node.componentPort())) {
            String id = open(raw, "raw.localhost");
            raw.send("<handshake>" + Handshake.digest(id, RAW_SECRET) + "</handshake>");
            raw.await("<handshake/>", WAIT);
            raw.send("<message from='admin@localhost' to='someone@localhost'><body>forged</body></message>");
            assertTrue(raw.awaitClose(WAIT).contains("<invalid-from"), raw.text());
        }
    }

    @Test
    void aMessageToADomainWithNoComponentConnectedIsServiceUnavailable() throws Exception {
        String user = ItEnvironment.newUser(node, "compoff");
        XMPPTCPConnection c = ItEnvironment.connectStartTls(node, user, ItEnvironment.PASSWORD, "r");
        try {
            var collector = c.createStanzaCollectorAndSend(s -> s instanceof Message m
                    && m.getType() == Message.Type.error, MessageBuilder.buildMessage()
                    .to(JidCreate.from("bot@off.localhost")).setBody("anyone?").build());
            Stanza error = collector.nextResult(20_000);
            collector.cancel();
            assertNotNull(error, "no error for a message to a component that is not connected");
            assertEquals(StanzaError.Condition.service_unavailable, error.getError().getCondition());
        } finally {
            c.disconnect();
        }
    }

    private static String header(String domain) {
        return "<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' "
                + "to='" + domain + "'>";
    }

    /** Sends a component's stream header and returns the stream id of the server's answer. */
    private static String open(RawClient raw, String domain) throws Exception {
        raw.send(header(domain));
        String text = raw.awaitUntil(t -> ID.matcher(t).find(), WAIT);
        Matcher m = ID.matcher(text);
        assertTrue(m.find());
        return m.group(1);
    }

    private static final Pattern ID = Pattern.compile("<stream:stream[^>]* id='([^']+)'");

    private static BlockingQueue<String> lines(InputStream in) {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) q.add(line);
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        }, "component-output");
        t.setDaemon(true);
        t.start();
        return q;
    }

    private static void awaitLine(BlockingQueue<String> q, String wanted) throws InterruptedException {
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String line = q.poll(200, TimeUnit.MILLISECONDS);
            if (line == null) continue;
            seen.append(line).append('\n');
            if (line.contains(wanted)) return;
        }
        throw new AssertionError("the component did not print '" + wanted + "':\n" + seen);
    }
}
