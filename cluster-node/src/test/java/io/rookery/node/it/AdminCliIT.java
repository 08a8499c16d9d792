package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.RookeryNode;
import io.rookery.node.admin.AdminCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin CLI against a running node: add, list, change password, delete, bulk creation, token revocation. */
class AdminCliIT {
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        node = ItEnvironment.startNode(Map.of());
        // The CLI reads the same configuration a person would give it: the node's data folder.
        System.setProperty("rookery.data-dir", node.settings().dataDir().toString());
        ConfigFactory.invalidateCaches();
    }

    @AfterAll
    static void stop() {
        System.clearProperty("rookery.data-dir");
        ConfigFactory.invalidateCaches();
        if (node != null) node.close();
    }

    private record Run(int code, String out, String err) {}

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = AdminCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void addsListsChangesAndDeletesAUser() throws Exception {
        String name = ItEnvironment.freshUserName("cli");
        assertEquals(0, cli("user", "add", name, "first secret").code());
        assertEquals(1, cli("user", "add", name, "again").code(), "a second add must be refused");
        Run list = cli("user", "list");
        assertEquals(0, list.code(), list.err());
        assertTrue(List.of(list.out().split("\n")).contains(name), list.out());

        XMPPTCPConnection c = ItEnvironment.connectStartTls(node, name, "first secret", null);
        c.disconnect();

        assertEquals(0, cli("user", "passwd", name, "second secret").code());
        org.junit.jupiter.api.Assertions.assertThrows(SASLErrorException.class,
                () -> ItEnvironment.connectStartTls(node, name, "first secret", null));
        ItEnvironment.connectStartTls(node, name, "second secret", null).disconnect();

        assertEquals(0, cli("user", "delete", name).code());
        assertEquals(1, cli("user", "delete", name).code(), "deleting twice must report not found");
        org.junit.jupiter.api.Assertions.assertThrows(SASLErrorException.class,
                () -> ItEnvironment.connectStartTls(node, name, "second secret", null));
        Run after = cli("user", "list");
        assertTrue(!List.of(after.out().split("\n")).contains(name), after.out());
    }

    @Test
    void revokesEveryFastTokenOfAnAccount() throws Exception {
        String name = ItEnvironment.freshUserName("cli-fast");
        assertEquals(0, cli("user", "add", name, ItEnvironment.PASSWORD).code());
        String agent = java.util.UUID.randomUUID().toString();
        String token;
        try (RawClient raw = RawClient.directTls(node)) {
            Sasl2Client c = new Sasl2Client(raw);
            c.open(name);
            String outcome = c.scram(name, ItEnvironment.PASSWORD, Sasl2Client.userAgent(agent)
                    + "<request-token xmlns='urn:xmpp:fast:0' mechanism='HT-SHA-256-NONE'/>");
            token = Sasl2Client.xmlAttr(outcome, "token", "token");
            assertTrue(token != null, outcome);
        }
        assertEquals(0, cli("user", "revoke-tokens", name).code());
        try (RawClient raw = RawClient.directTls(node)) {
            Sasl2Client c = new Sasl2Client(raw);
            c.open(name);
            String outcome = c.fast(name, token, Sasl2Client.userAgent(agent) + "<fast xmlns='urn:xmpp:fast:0'/>");
            assertTrue(outcome.contains("<not-authorized"), "revoked: " + outcome);
        }
        assertEquals(1, cli("user", "revoke-tokens", "nobody-" + System.nanoTime()).code(),
                "an account that does not exist is reported");
    }

    @Test
    void createsManyUsersFromAPattern() throws Exception {
        String prefix = ItEnvironment.freshUserName("bulk");
        Run r = cli("user", "bulk", prefix + "-%d", "500", "load test secret");
        assertEquals(0, r.code(), r.err());
        assertEquals("created 500 existing 0 failed 0", r.out().trim());
        ItEnvironment.connectStartTls(node, prefix + "-1", "load test secret", null).disconnect();
        ItEnvironment.connectStartTls(node, prefix + "-500", "load test secret", null).disconnect();
        Run again = cli("user", "bulk", prefix + "-%d", "500", "load test secret");
        assertEquals("created 0 existing 500 failed 0", again.out().trim());
    }

    @Test
    void refusesACallWithoutTheToken() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var req = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + node.adminPort() + "/users"))
                .header("Authorization", "Bearer not-the-token").GET().build();
        assertEquals(401, http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
