package io.rookery.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --reconnect=on against {@link TinyXmppServer}, which drops half the sessions at once (a reset, as from a killed
 * node) once 100 messages were routed: the dropped clients connect again and resume, or bind afresh when refused,
 * and the report follows every message by its id. A server that loses what it acknowledged is caught.
 */
class ReconnectEndToEndTest {
    private static final String PASSWORD = "pencil";

    @TempDir
    Path dir;

    @Test
    void droppedSessionsResumeAndEveryAcknowledgedMessageArrives() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            server.offerResumption();
            LoadTestRun run = runDroppingHalf(server, "--check-archive=on");

            assertEquals(0, run.status(), run.err());
            assertEquals(5, run.count("messages", "guarantee", "disconnects"), run.out());
            assertEquals(5, run.count("messages", "guarantee", "resumed"), run.out());
            assertEquals(5, server.smResumed.get());
            assertEquals(0, run.count("messages", "guarantee", "resumeFailed"));
            assertEquals(0, run.count("messages", "guarantee", "gaveUp"));
            assertEquals(5, run.count("messages", "guarantee", "resumeLatencyMs", "count"));
            assertTrue(server.held.get() > 0, "messages were sent to the dropped sessions meanwhile");
            long sent = run.count("messages", "sent");
            assertTrue(sent > 100, run.out());
            assertEquals(sent, run.count("messages", "guarantee", "acked"), run.out());
            assertEquals(sent, run.count("messages", "guarantee", "delivered"), run.out());
            assertEquals(0, run.count("messages", "guarantee", "ackedLost"));
            assertEquals(List.of(), run.at("messages", "guarantee", "ackedLostExamples"));
            // Every session, resumed ones included, read its archive to the end: every message is there, once.
            assertEquals(10, run.count("messages", "guarantee", "archiveRead"));
            assertEquals(sent, run.count("messages", "guarantee", "archived"));
            assertEquals(0, run.count("messages", "guarantee", "ackedNotArchived"));
            assertTrue(server.archivePages.get() > 10, "the archives took more than one page each");
            assertTrue(run.out().contains("ACKNOWLEDGED AND LOST: 0;"), run.out());
        }
    }

    @Test
    void refusedResumptionBindsAfreshAndSendsAgainWhatWasNotAcknowledged() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            server.offerResumption();
            server.refuseResumption();
            LoadTestRun run = runDroppingHalf(server);

            assertEquals(0, run.status(), run.err());
            assertEquals(5, run.count("messages", "guarantee", "disconnects"), run.out());
            assertEquals(5, run.count("messages", "guarantee", "resumeFailed"), run.out());
            assertEquals(5, server.smResumeRefused.get());
            assertEquals(5, run.count("messages", "guarantee", "rebound"), run.out());
            assertEquals(0, run.count("messages", "guarantee", "resumed"));
            assertEquals(5, run.count("failures", "resume-failed:item-not-found", "count"));
            long sent = run.count("messages", "sent");
            assertEquals(sent, run.count("messages", "guarantee", "acked"), run.out());
            assertEquals(sent, run.count("messages", "guarantee", "delivered"), run.out());
            assertEquals(0, run.count("messages", "guarantee", "ackedLost"));
        }
    }

    @Test
    void withRebindTheDroppedSessionsNeverAskToResume() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            server.offerResumption();
            LoadTestRun run = runDroppingHalf(server, "--reconnect=rebind");

            assertEquals(0, run.status(), run.err());
            assertEquals(5, run.count("messages", "guarantee", "disconnects"), run.out());
            assertEquals(5, run.count("messages", "guarantee", "rebound"), run.out());
            assertEquals(0, run.count("messages", "guarantee", "resumed"));
            assertEquals(0, server.smResumed.get() + server.smResumeRefused.get(), "no resume was sent");
            long sent = run.count("messages", "sent");
            assertEquals(sent, run.count("messages", "guarantee", "delivered"), run.out());
            assertEquals(0, run.count("messages", "guarantee", "ackedLost"));
        }
    }

    @Test
    void aServerThatLosesWhatItAcknowledgedIsCaught() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            server.offerResumption();
            server.loseHeld();
            // What the server lost never arrives, so this run always waits out its grace: 8 s rather than the 20 s
            // the others may need on a loaded machine (they settle as soon as every message has arrived, within a
            // second of the end of sending here) is still ample for the messages it did not lose.
            LoadTestRun run = runDroppingHalf(server, "--grace=8s");

            int lostByServer = server.held.get();
            assertTrue(lostByServer > 0, "the server dropped what it held");
            // Each held message was acknowledged to its sender and never reaches anyone.
            assertEquals(lostByServer, run.count("messages", "guarantee", "ackedLost"), run.out());
            assertEquals(lostByServer, run.count("messages", "guarantee", "ackedNotDelivered"));
            assertFalse(((List<?>) run.at("messages", "guarantee", "ackedLostExamples")).isEmpty());
            assertTrue(run.out().contains("ACKNOWLEDGED AND LOST: " + lostByServer + " (e.g. m"), run.out());
            assertTrue(run.out().contains("messages acknowledged by the server were neither delivered"), run.out());
        }
    }

    /**
     * Chat among 10 users with resumption; once 100 messages were routed the even-numbered users are dropped. more
     * replaces the options of the same names.
     */
    private LoadTestRun runDroppingHalf(TinyXmppServer server, String... more) throws Exception {
        Thread dropper = new Thread(() -> {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.routed.get() < 100 && System.nanoTime() < until) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
            server.drop(user -> Integer.parseInt(user.substring("load".length())) % 2 == 0);
        }, "dropper");
        dropper.start();
        try {
            List<String> args = new java.util.ArrayList<>(List.of("--scenario=chat", "--users=10", "--rate=100",
                    "--duration=4s", "--grace=20s", "--sm=resume", "--reconnect=on", "--reconnect-delay=2s",
                    "--tls=off"));
            for (String m : more) args.removeIf(a -> a.startsWith(m.substring(0, m.indexOf('=') + 1)));
            args.addAll(List.of(more));
            return LoadTestRun.run(dir, server.port(), PASSWORD, args.toArray(String[]::new));
        } finally {
            dropper.interrupt();
            dropper.join(5_000);
        }
    }
}
