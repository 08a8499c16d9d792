package io.rookery.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole generator, over real sockets, against {@link TinyXmppServer}: the protocol module's parser, SASL
 * server mechanisms and TLS codec on the other side. Assertions are on counts, never on how fast anything was.
 */
class LoadTestEndToEndTest {
    private static final String PASSWORD = "pencil";

    @TempDir
    Path dir;

    @Test
    void loginStormOf200SessionsOverStarttlsWithScramSha256LogsEveryoneIn() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, TestCertificate.serverContext(),
                false)) {
            LoadTestRun run = run(server, "--scenario=login-storm", "--users=200", "--concurrency=50", "--threads=2");

            assertEquals(0, run.status(), run.err());
            assertEquals(200, server.binds.get());
            assertEquals(200.0, run.at("logins", "ok"));
            assertEquals(0.0, run.at("logins", "failed"));
            assertEquals(Map.of(), run.at("failures"));
            for (String phase : List.of("connect", "tls", "auth", "bind", "total")) {
                assertEquals(200.0, run.at("logins", "latencyMs", phase, "count"), phase);
            }
            assertTrue((Double) run.at("logins", "ratePerSecond") > 0);
            assertEquals(null, run.at("messages"));
            assertTrue(run.out().contains("logins: 200 of 200 ok, 0 failed"), run.out());
            assertTrue(run.html().contains("Login latency by percentile"), "html has the login chart");
        }
    }

    @Test
    void chatAmong50UsersForFiveSecondsLosesNoMessage() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, TestCertificate.serverContext(),
                false)) {
            LoadTestRun run = run(server, "--scenario=chat", "--users=50", "--rate=200", "--duration=5s", "--grace=30s",
                    "--mechanism=SCRAM-SHA-1", "--body-size=100");

            assertEquals(0, run.status(), run.err());
            assertEquals(50.0, run.at("logins", "ok"));
            double sent = (Double) run.at("messages", "sent");
            assertTrue(sent > 0, "messages were sent");
            assertEquals(sent, run.at("messages", "received"));
            assertEquals(0.0, run.at("messages", "lost"));
            assertEquals(0.0, run.at("messages", "bounced"));
            assertEquals(0.0, run.at("messages", "duplicates"));
            assertEquals(sent, run.at("messages", "latencyMs", "count"));
            assertEquals(sent, (double) server.routed.get());
            for (String field : List.of("p50", "p90", "p99", "p99_9", "max", "mean", "min")) {
                assertTrue(run.at("messages", "latencyMs", field) instanceof Double, field);
            }
            // Timed from when each was due, every message is at least as late as from its write.
            assertEquals(sent, run.at("messages", "latencyFromDueMs", "count"));
            for (String field : List.of("p50", "p99", "max", "mean", "min")) {
                assertTrue((Double) run.at("messages", "latencyFromDueMs", field)
                        >= (Double) run.at("messages", "latencyMs", field), field);
            }
            assertEquals(200.0, run.at("messages", "offeredRate"));
            assertFalse(((List<?>) run.at("messages", "latencyMs", "percentiles")).isEmpty());
            assertFalse(((List<?>) run.at("timeline")).isEmpty());
            assertEquals(Map.of(), run.at("failures"));
            assertTrue(run.out().contains("lost 0, bounced with an error 0"), run.out());
            assertTrue(run.html().contains("Message end-to-end latency by percentile"), "html has the latency chart");
            assertTrue(run.html().contains("Throughput over time"), "html has the throughput chart");
            assertTrue(run.html().contains("<polyline"), "html charts have lines");
            assertFalse(run.html().contains("<script"), "html has no scripts");
        }
    }

    @Test
    void withStreamManagementEveryChatMessageIsAcknowledgedAndTheDelayReported() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            LoadTestRun run = run(server, "--scenario=chat", "--users=20", "--rate=100", "--duration=3s",
                    "--grace=20s", "--sm=on", "--tls=off");

            assertEquals(0, run.status(), run.err());
            double sent = (Double) run.at("messages", "sent");
            assertTrue(sent > 0, "messages were sent");
            assertEquals(sent, run.at("messages", "received"));
            // One request after each message, each answered; every message acknowledged, its delay measured.
            assertEquals((int) sent, server.smRequestsAnswered.get());
            assertEquals(sent, run.at("messages", "acked"));
            assertEquals(sent, run.at("messages", "ackLatencyMs", "count"));
            // The server's requests (one after each message it routed) were answered.
            assertEquals((int) sent, server.smAcksReceived.get());
            assertTrue(run.out().contains("acknowledged by the server (XEP-0198)"), run.out());
        }
    }

    @Test
    void withResumptionAskedForEachSessionEnablesItWithResume() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            LoadTestRun run = run(server, "--scenario=chat", "--users=10", "--rate=20", "--duration=1s",
                    "--grace=10s", "--sm=resume", "--tls=off");

            assertEquals(0, run.status(), run.err());
            assertEquals(10, server.smResumptionsAsked.get(), "every session asked for resumption");
            assertEquals(run.at("messages", "sent"), run.at("messages", "acked"));
        }
    }

    @Test
    void idleSaysWhenAllSessionsAreUpAndHoldsThem() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, true)) {
            LoadTestRun run = run(server, "--scenario=idle", "--users=30", "--tls=off", "--duration=1s", "--ramp=100");

            assertEquals(0, run.status(), run.err());
            assertTrue(run.out().contains("ALL UP: 30 of 30 sessions online (0 failed)"), run.out());
            assertEquals(30.0, run.at("logins", "ok"));
            assertEquals(30.0, run.at("logins", "maxSessionsUp"));
            assertEquals(0.0, run.at("logins", "latencyMs", "tls", "count"), "no TLS phase with --tls=off");
            assertEquals(Map.of(), run.at("failures"));
        }
    }

    @Test
    void plainWithoutTlsLogsIn() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            LoadTestRun run = run(server, "--scenario=login-storm", "--users=20", "--tls=off", "--mechanism=PLAIN",
                    "--rate=1000");

            assertEquals(20.0, run.at("logins", "ok"));
            assertEquals(20, server.binds.get());
        }
    }

    @Test
    void aLoginWithRosterOnFetchesTheRosterBeforeItCounts() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            LoadTestRun run = run(server, "--scenario=login-storm", "--users=20", "--tls=off", "--mechanism=PLAIN",
                    "--rate=1000", "--roster=on", "--presence=on");

            assertEquals(20.0, run.at("logins", "ok"));
            assertEquals(20, server.rosterGets.get());
        }
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            run(server, "--scenario=login-storm", "--users=5", "--tls=off", "--mechanism=PLAIN", "--rate=1000");
            assertEquals(0, server.rosterGets.get(), "no roster asked by default");
        }
    }

    @Test
    void severalHostsShareTheUsers() throws Exception {
        try (TinyXmppServer one = new TinyXmppServer("localhost", PASSWORD, null, false);
                TinyXmppServer two = new TinyXmppServer("localhost", PASSWORD, null, false,
                        new InetSocketAddress("127.0.0.2", one.port()))) {
            LoadTestRun run = run(one, "--scenario=login-storm", "--users=10", "--tls=off",
                    "--host=127.0.0.1,127.0.0.2");

            assertEquals(10.0, run.at("logins", "ok"));
            assertEquals(5, one.binds.get());
            assertEquals(5, two.binds.get());
        }
    }

    @Test
    void aWrongPasswordIsCountedAsSaslNotAuthorized() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", "other", TestCertificate.serverContext(),
                false)) {
            LoadTestRun run = run(server, "--scenario=login-storm", "--users=10");

            assertEquals(0.0, run.at("logins", "ok"));
            assertEquals(10.0, run.at("logins", "failed"));
            assertEquals(10.0, run.at("failures", "sasl:not-authorized", "count"));
            assertEquals(0, server.binds.get());
            assertTrue(run.out().contains("sasl:not-authorized"), run.out());
        }
    }

    @Test
    void aServerThatIsNotThereIsCountedAsConnectFailures() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        LoadTestRun run = run(port, "--scenario=login-storm", "--users=5");

        assertEquals(0, run.status(), run.err());
        assertEquals(5.0, run.at("logins", "failed"));
        assertEquals(5.0, run.at("failures", "connect:ConnectException", "count"));
    }

    @Test
    void badArgumentsExitWithStatusTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LoadTest.run(new String[] {"--scenario=chat"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("chat needs --rate"));
    }

    private LoadTestRun run(TinyXmppServer server, String... args) throws Exception {
        return run(server.port(), args);
    }

    private LoadTestRun run(int port, String... args) throws Exception {
        return LoadTestRun.run(dir, port, PASSWORD, args);
    }
}
