package io.rookery.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The muc scenario, over real sockets, against {@link TinyXmppServer} with {@link TinyMuc}: rooms created locked by
 * their first user and configured, the others entering, groupchat broadcast to every occupant. Assertions are on
 * counts, never on how fast anything was.
 */
class MucEndToEndTest {
    private static final String PASSWORD = "pencil";

    @TempDir
    Path dir;

    @Test
    void threeRoomsOfFourCreateConfigureJoinAndGetEveryMessageOnce() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            LoadTestRun run = run(server, "--scenario=muc", "--users=12", "--room-size=4", "--rate=30",
                    "--duration=3s", "--threads=2", "--tls=off", "--grace=20s", "--timeout=90s");

            assertEquals(0, run.status(), run.err());
            assertEquals(Map.of(), run.at("failures"), run.out());
            assertEquals(3, server.muc.roomsCreated.get());
            assertEquals(3, server.muc.configForms.get(), "each creator submitted the form once");
            assertEquals(0, server.muc.emptyConfigForms.get());
            assertEquals(Map.of("loadroom1@conference.localhost", "4", "loadroom2@conference.localhost", "4",
                    "loadroom3@conference.localhost", "4"), server.muc.maxUsers, "max users is the room size");
            assertEquals(3, run.count("muc", "rooms"));
            assertEquals(4, run.count("muc", "roomSize"));
            assertEquals("conference.localhost", run.at("muc", "service"));
            assertEquals(3, run.count("muc", "roomsReady"));
            assertEquals(3, run.count("muc", "roomsCreated"));
            assertEquals(0, run.count("muc", "roomsFailed"));
            assertEquals(12, run.count("muc", "joinsAttempted"));
            assertEquals(12, run.count("muc", "joined"));
            assertEquals(0, run.count("muc", "joinFailed"));
            assertEquals(12, run.count("muc", "joinLatencyMs", "count"));

            long sent = run.count("muc", "sent");
            assertTrue(sent >= 60, "messages were sent at about 30/s: " + sent);
            assertEquals(sent, server.muc.groupchatIn.get());
            assertEquals(sent * 4, run.count("muc", "expected"), "every message fans out to the 4 occupants");
            assertEquals(sent * 4, run.count("muc", "received"));
            assertEquals(sent * 4, server.muc.deliveries.get());
            assertEquals(0, run.count("muc", "lost"));
            assertEquals(0, run.count("muc", "duplicates"));
            assertEquals(0, run.count("muc", "errors"));
            assertEquals(sent * 4, run.count("muc", "latencyMs", "count"));
            assertEquals(sent * 4, run.count("muc", "latencyFromDueMs", "count"));
            assertTrue(run.count("muc", "receivedInWindow") > 0);
            assertEquals(30.0, run.at("muc", "offeredRate"));
            assertEquals(Boolean.TRUE, run.at("muc", "keptUp"), (String) run.at("muc", "verdict"));
            assertEquals(30.0, run.at("muc", "sustainedRate"));
            assertEquals(List.of(), run.at("muc", "steps"));
            assertNull(run.at("messages"));
            // Spread evenly over the rooms, each room's occupants taking turns.
            assertEquals(12, server.muc.sentBy.size(), "every occupant sent: " + server.muc.sentBy);
            for (var e : server.muc.sentBy.entrySet()) {
                assertTrue(Math.abs(e.getValue().get() - sent / 12.0) <= 1.0, e.getKey() + " sent " + e.getValue());
            }
            assertTrue(run.out().contains("group chat: 3 rooms of 4 at conference.localhost: 3 ready (3 created"),
                    run.out());
            assertTrue(run.out().contains("deliveries expected " + sent * 4 + ", received " + sent * 4), run.out());
            assertTrue(run.out().contains("  sustained: 30.0 messages/s"), run.out());
            assertTrue(run.err().contains("groupchat "), "progress lines show the group chat: " + run.err());
            assertTrue(run.html().contains("Group chat fan-out latency by percentile"));
            assertFalse(run.html().contains("<script"));
        }
    }

    @Test
    void aRefusedConfigurationFormIsRetriedEmptyAndTheStepUpDoublesTheRate() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            server.muc.refuseConfigForm = true;

            LoadTestRun run = run(server, "--scenario=muc", "--users=6", "--room-size=3", "--rate=10",
                    "--duration=2s", "--step-up=2", "--step-duration=2s", "--tls=off", "--room-prefix=Step",
                    "--timeout=90s");

            assertEquals(0, run.status(), run.err());
            assertEquals(2, server.muc.emptyConfigForms.get());
            assertEquals(0, server.muc.configForms.get());
            assertEquals(2, run.count("muc", "configRetried"));
            assertEquals(2, run.count("muc", "roomsReady"));
            assertEquals(6, run.count("muc", "joined"));
            assertEquals(Map.of(), run.at("failures"));
            List<?> steps = (List<?>) run.at("muc", "steps");
            assertEquals(2, steps.size(), run.out());
            assertEquals(20.0, run.at("muc", "steps", 0, "offeredRate"));
            assertEquals(40.0, run.at("muc", "steps", 1, "offeredRate"));
            for (int i = 0; i < 2; i++) {
                long sent = run.count("muc", "steps", i, "sent");
                assertEquals(sent * 3, run.count("muc", "steps", i, "received"), "step " + i);
                assertEquals(sent * 3, run.count("muc", "steps", i, "latencyMs", "count"), "step " + i);
            }
            assertEquals(40.0, run.at("muc", "sustainedRate"));
            long all = run.count("muc", "sent") + run.count("muc", "steps", 0, "sent")
                    + run.count("muc", "steps", 1, "sent");
            assertEquals(all, server.muc.groupchatIn.get(), "the windows add up to every message");
            assertTrue(server.muc.maxUsers.isEmpty());
        }
    }

    @Test
    void joinsTheRoomRefusesAreCountedByConditionAndLeftOutOfTheFanOut() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            server.muc.maxOccupants = 3;

            LoadTestRun run = run(server, "--scenario=muc", "--users=8", "--room-size=4", "--rate=20",
                    "--duration=2s", "--tls=off", "--concurrency=1", "--timeout=90s");

            assertEquals(0, run.status(), run.err());
            assertEquals(8, run.count("muc", "joinsAttempted"));
            assertEquals(6, run.count("muc", "joined"));
            assertEquals(2, run.count("muc", "joinFailed"));
            assertEquals(2, run.count("muc", "joinErrors", "muc-join:service-unavailable"));
            assertEquals(2, run.count("failures", "muc-join:service-unavailable", "count"));
            long sent = run.count("muc", "sent");
            assertTrue(sent > 0);
            assertEquals(sent * 3, run.count("muc", "expected"), "only the occupants count");
            assertEquals(sent * 3, run.count("muc", "received"));
            assertEquals(sent, server.muc.groupchatIn.get(), "the users left out never send");
            assertTrue(run.out().contains("muc-join:service-unavailable"), run.out());
        }
    }

    @Test
    void aRoomThatIsNotThereFailsItsCreatorAndItsUsersTakeNoPart() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            LoadTestRun run = run(server, "--scenario=muc", "--users=4", "--room-size=2", "--rate=10",
                    "--duration=1s", "--tls=off", "--muc-service=chat.elsewhere", "--login-timeout=2s",
                    "--timeout=60s");

            assertEquals(0, run.status(), run.err());
            // The fixture ignores a service it does not have: the creators time out, their rooms are never ready.
            assertEquals(2, run.count("muc", "roomsFailed"));
            assertEquals(0, run.count("muc", "joined"));
            assertEquals(2, run.count("failures", "muc-join:timeout", "count"));
            assertEquals(2, run.count("failures", "muc-join:room-not-created", "count"));
            assertEquals(0, run.count("muc", "sent"));
            assertNull(run.at("muc", "sustainedRate"));
            assertTrue(run.out().contains("nobody joined a room"), run.out());
        }
    }

    private LoadTestRun run(TinyXmppServer server, String... args) throws Exception {
        return LoadTestRun.run(dir, server.port(), PASSWORD, args);
    }
}
