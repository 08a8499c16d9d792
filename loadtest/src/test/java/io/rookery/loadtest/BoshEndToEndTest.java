package io.rookery.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole generator over BOSH ({@code --transport=bosh}), through {@link TinyBoshBridge} to
 * {@link TinyXmppServer}: logins with the stream restart, the long poll answered empty when its wait runs out and
 * sent again, chat on the second HTTP connection, and a terminate request for every session closed (the run waits
 * for their answers). Assertions are on counts, never on how fast anything was.
 */
class BoshEndToEndTest {
    private static final String PASSWORD = "pencil";

    @TempDir
    Path dir;

    @Test
    void idleSessionsHoldOneConnectionEachAndTerminateAtTheEnd() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false);
                TinyBoshBridge bosh = new TinyBoshBridge(server.port(), "localhost", 1000)) {
            LoadTestRun run = run(bosh, "--scenario=idle", "--users=10", "--duration=3s", "--threads=2");

            assertEquals(0, run.status(), run.err());
            assertEquals(10.0, run.at("logins", "ok"));
            assertEquals(Map.of(), run.at("failures"));
            assertEquals(10, server.binds.get());
            assertEquals(10, bosh.created.get());
            assertEquals(10, bosh.restarts.get(), "XEP-0206 §5 after SASL");
            assertTrue(bosh.waitsRunOut.get() >= 10, "the long poll answered empty, sent again: " + bosh.waitsRunOut);
            assertEquals(10, bosh.terminated.get(), "every session terminated before the run ended");
            // One connection each while idle, one more each for the terminate (the poll is held on the first).
            assertTrue(bosh.connections.size() <= 20, "connections: " + bosh.connections.size());
        }
    }

    @Test
    void chatOverBoshLosesNoMessageWithTwoConnectionsPerSession() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false);
                TinyBoshBridge bosh = new TinyBoshBridge(server.port(), "localhost", 2000)) {
            LoadTestRun run = run(bosh, "--scenario=chat", "--users=10", "--rate=50", "--duration=3s",
                    "--grace=10s", "--mechanism=PLAIN");

            assertEquals(0, run.status(), run.err());
            assertEquals(10.0, run.at("logins", "ok"));
            double sent = (Double) run.at("messages", "sent");
            assertTrue(sent > 0, "messages were sent");
            assertEquals(sent, run.at("messages", "received"));
            assertEquals(0.0, run.at("messages", "lost"));
            assertEquals(sent, (double) server.routed.get());
            assertEquals(Map.of(), run.at("failures"));
            assertEquals(10, bosh.terminated.get());
            assertTrue(bosh.connections.size() <= 20, "connections: " + bosh.connections.size());
        }
    }

    @Test
    void registrationClosesEachStreamWithATerminateRequest() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false);
                TinyBoshBridge bosh = new TinyBoshBridge(server.port(), "localhost", 1000)) {
            server.openRegistration();
            LoadTestRun run = run(bosh, "--scenario=login-storm", "--users=4", "--create=ibr");

            assertEquals(0, run.status(), run.err());
            assertEquals(4, server.registered.get());
            assertEquals(4.0, run.at("logins", "ok"));
            assertEquals(8, bosh.created.get(), "a session to register, then one to log in");
            assertEquals(8, bosh.terminated.get(), "registered, the stream is closed at once: a terminate");
        }
    }

    @Test
    void aServerRefusingTheSessionFailsTheLogin() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false);
                TinyBoshBridge bosh = new TinyBoshBridge(server.port(), "localhost", 1000)) {
            LoadTestRun run = run(bosh, "--scenario=login-storm", "--users=3", "--domain=elsewhere");

            assertEquals(0, run.status(), run.err());
            assertEquals(0.0, run.at("logins", "ok"));
            assertEquals(3.0, run.at("failures", "bosh:host-unknown", "count"), String.valueOf(run.at("failures")));
        }
    }

    private LoadTestRun run(TinyBoshBridge bosh, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--transport=bosh";
        all[args.length + 1] = "--tls=off";
        return LoadTestRun.run(dir, bosh.port(), PASSWORD, all);
    }
}
