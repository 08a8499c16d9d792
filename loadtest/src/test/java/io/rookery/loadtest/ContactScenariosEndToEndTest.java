package io.rookery.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * presence-churn and roster, over real sockets, against {@link TinyXmppServer} with {@link TinyRosters}: the roster
 * setup through subscribe and subscribed, roster gets and pushes, presence reflected, broadcast and probed.
 * Assertions are on counts and on the server's rosters, never on how fast anything was.
 */
class ContactScenariosEndToEndTest {
    private static final String PASSWORD = "pencil";

    @TempDir
    Path dir;

    @Test
    void presenceChurnSetsUpMutualRostersAndEveryBroadcastArrivesOnce() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            LoadTestRun run = run(server, "--scenario=presence-churn", "--users=20", "--contacts=4", "--rate=40",
                    "--duration=3s", "--threads=2", "--tls=off", "--timeout=60s");

            assertEquals(0, run.status(), run.err());
            // Setup: every user subscribed to its 4 contacts and accepted theirs.
            assertEquals(Boolean.TRUE, run.at("rosterSetup", "complete"), run.err());
            assertEquals(80, run.count("rosterSetup", "itemsBothExpected"));
            assertEquals(80, run.count("rosterSetup", "itemsBoth"));
            assertEquals(80, run.count("rosterSetup", "subscriptionsSent"));
            assertEquals(80, server.rosters.itemsBoth());
            assertEquals(Map.of("load2@localhost", "both", "load3@localhost", "both", "load20@localhost", "both",
                    "load19@localhost", "both"), server.rosters.roster("load1@localhost"));
            // Measured round: roster and presences steps, then the churn.
            assertEquals(20, run.count("logins", "ok"));
            assertEquals(20, run.count("logins", "latencyMs", "roster", "count"));
            assertEquals(Map.of(), run.at("failures"), "no roster mismatch, no presences timeout");
            long changes = run.count("presences", "changes");
            assertTrue(changes > 20, "changes were sent: " + changes);
            assertEquals(changes * 4, run.count("presences", "expected"), "every contact was available");
            assertEquals(changes * 4, run.count("presences", "received"));
            assertEquals(0, run.count("presences", "lost"));
            assertEquals(0, run.count("presences", "duplicates"));
            assertEquals(0, run.count("presences", "unexpected"));
            assertEquals(changes * 4, run.count("presences", "latencyMs", "count"));
            assertEquals(40.0, run.at("presences", "offeredRate"));
            assertNull(run.at("messages"));
            assertTrue(run.out().contains("broadcasts: expected " + changes * 4 + ", received " + changes * 4),
                    run.out());
            assertTrue(run.html().contains("Presence broadcast latency by percentile"));
            assertTrue(run.err().contains("changes "), "progress lines show the churn: " + run.err());
        }
    }

    @Test
    void presenceChurnCountsTheBroadcastsAServerDropsAsLost() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            server.rosters.dropBroadcastsTo.add("load3@localhost");

            LoadTestRun run = run(server, "--scenario=presence-churn", "--users=10", "--contacts=2", "--rate=50",
                    "--duration=2s", "--grace=1s", "--tls=off");

            assertEquals(0, run.status(), run.err());
            long dropped = server.rosters.droppedBroadcasts.get();
            assertTrue(dropped > 0, "load2 and load4 changed presence");
            assertEquals(dropped, run.count("presences", "lost"));
            assertEquals(run.count("presences", "expected") - dropped, run.count("presences", "received"));
            assertTrue(run.out().contains("grace period ended with presence broadcasts still missing"), run.out());
        }
    }

    @Test
    void rosterTimesRosterAndPresencesAndAgainWithTheRostersAlreadyThere() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, TestCertificate.serverContext(),
                false)) {
            LoadTestRun run = run(server, "--scenario=roster", "--users=30", "--contacts=6", "--ramp=20",
                    "--timeout=60s");

            assertEquals(0, run.status(), run.err());
            assertEquals(Boolean.TRUE, run.at("rosterSetup", "complete"), run.err());
            assertEquals(180, server.rosters.itemsBoth());
            assertEquals(30, run.count("logins", "ok"));
            assertEquals(30, run.count("logins", "latencyMs", "roster", "count"));
            // The first users find no contact available yet: nothing to time for them.
            long timed = run.count("logins", "latencyMs", "presences", "count");
            assertTrue(timed >= 15 && timed <= 30, "presences timed for most users: " + timed);
            assertEquals(Map.of(), run.at("failures"));
            assertNull(run.at("presences"));
            assertTrue(run.out().contains("  roster "), run.out());

            LoadTestRun again = run(server, "--scenario=roster", "--users=30", "--contacts=6", "--ramp=20",
                    "--roster-setup=off", "--timeout=60s");

            assertEquals(0, again.status(), again.err());
            assertNull(again.at("rosterSetup"));
            assertEquals(30, again.count("logins", "latencyMs", "roster", "count"));
            assertEquals(Map.of(), again.at("failures"), "the rosters of the first run were found complete");
            assertEquals(180, server.rosters.itemsBoth());
        }
    }

    @Test
    void aRosterWithAnItemTooManyIsCountedAsAMismatch() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            server.rosters.addItem("load1@localhost", "stranger@localhost", "none");

            LoadTestRun run = run(server, "--scenario=roster", "--users=10", "--contacts=4", "--tls=off");

            assertEquals(0, run.status(), run.err());
            assertEquals(1, run.count("failures", "roster:item-count-mismatch", "count"));
            assertTrue(((String) run.at("failures", "roster:item-count-mismatch", "example"))
                    .contains("expected 4 items, all contacts with subscription both; got 5 items, 4 of them"));
            assertEquals(10, run.count("logins", "latencyMs", "roster", "count"));
        }
    }

    @Test
    void withoutRostersEveryRosterMismatchesAndPresencesTimeOut() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            LoadTestRun run = run(server, "--scenario=roster", "--users=6", "--contacts=2", "--tls=off",
                    "--roster-setup=off", "--login-timeout=2s", "--ramp=10");

            assertEquals(0, run.status(), run.err());
            assertEquals(6, run.count("failures", "roster:item-count-mismatch", "count"));
            assertTrue(((String) run.at("failures", "roster:item-count-mismatch", "example")).contains("got 0 items"));
            // Everyone after the first two waited for available contacts whose presence never came.
            assertTrue(run.count("failures", "presences:timeout", "count") >= 3, run.out());
            assertEquals(0, run.count("logins", "latencyMs", "presences", "count"));
        }
    }

    @Test
    void aSetupThatStopsMakingProgressEndsAfterTheLoginTimeoutAndSaysSo() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            server.rosters.ignoreSubscribe = true;

            LoadTestRun run = run(server, "--scenario=roster", "--users=8", "--contacts=2", "--tls=off",
                    "--login-timeout=2s", "--timeout=60s");

            assertEquals(0, run.status(), run.err());
            assertEquals(Boolean.FALSE, run.at("rosterSetup", "complete"));
            assertEquals(16, run.count("rosterSetup", "subscriptionsSent"), "every request was sent once");
            assertEquals(16, run.count("rosterSetup", "itemsBothExpected"));
            assertEquals(0, run.count("rosterSetup", "itemsBoth"));
            assertTrue((Double) run.at("rosterSetup", "seconds") < 30, "ended by the stall, not the timeout");
            assertTrue(((String) run.at("notes", 0)).contains("roster setup incomplete: 0 of 16"), run.out());
            assertEquals(8, run.count("failures", "roster:item-count-mismatch", "count"), "the measured round ran");
        }
    }

    private LoadTestRun run(TinyXmppServer server, String... args) throws Exception {
        return LoadTestRun.run(dir, server.port(), PASSWORD, args);
    }
}
