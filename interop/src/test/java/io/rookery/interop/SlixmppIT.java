package io.rookery.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import io.rookery.node.it.TestNodes;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * python3-slixmpp (Debian's, 1.8), a client library independent of Smack, through a node on real Cassandra: two
 * users log in over STARTTLS checking the node's certificate, set a roster item, subscribe to each other, see each
 * other available and chat both ways ({@code slixmpp_conversation.py}, which prints each step).
 */
class SlixmppIT {
    /** Debian's interpreter: python3-slixmpp installs into its dist-packages, not into other Pythons on the PATH. */
    private static final String PYTHON = "/usr/bin/python3";
    private static final List<String> STEPS = List.of("login-alice", "login-bob", "roster-set", "roster-get",
            "roster-name", "alice-sees-bob", "bob-sees-alice", "bob-receives", "alice-receives");
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNodes.startNode(Map.of());
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    /** The node's development certificate as PEM, for the client to check the server against. */
    private static Path certificatePem(Path dir) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(node.settings().dataDir().resolve("tls").resolve("dev-localhost.p12"))) {
            ks.load(in, node.settings().tls().keystorePassword().toCharArray());
        }
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(ks.getCertificate("rookery").getEncoded());
        return Files.writeString(dir.resolve("rookery.pem"),
                "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n");
    }

    @Test
    void twoSlixmppClientsLogInSubscribeSeeEachOtherAndChat() throws Exception {
        Path dir = Files.createTempDirectory(TestNodes.testDir(), "slixmpp");
        Path script = dir.resolve("slixmpp_conversation.py");
        try (InputStream in = SlixmppIT.class.getResourceAsStream("/slixmpp_conversation.py")) {
            Files.copy(in, script);
        }
        String alice = TestNodes.newUser(node, "slixalice") + "@localhost";
        String bob = TestNodes.newUser(node, "slixbob") + "@localhost";
        Path output = dir.resolve("output.txt");
        Process p = new ProcessBuilder(PYTHON, script.toString(), "127.0.0.1", Integer.toString(node.starttlsPort()),
                certificatePem(dir).toString(), alice, bob, TestNodes.PASSWORD)
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean ended = p.waitFor(90, TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        String printed = Files.readString(output);
        assertTrue(ended, () -> "the conversation ends by itself:\n" + printed);
        assertEquals(0, p.exitValue(), () -> "slixmpp's conversation:\n" + printed);
        for (String step : STEPS) assertTrue(printed.contains("step " + step + " ok"), () -> step + ":\n" + printed);
        assertTrue(printed.contains("conversation complete"), printed);
    }
}
