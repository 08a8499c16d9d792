package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.rookery.node.RookeryNode;
import io.rookery.node.Storage;
import io.rookery.node.user.Accounts;
import io.rookery.node.user.UserEntity;
import io.rookery.protocol.jid.Jid;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Measures how long a user entity holding 1,000 roster items and 1,000 offline messages takes to recover from
 * Cassandra, with the entity's snapshots (every 100 events, two kept) and, for comparison, by a full replay of its
 * journal once the snapshots are deleted. Nothing here is a timed assertion: the test asserts that the recovered
 * entity holds exactly what was stored, and prints its measurements on lines starting with
 * {@value #PREFIX}.
 *
 * <p>Pure recovery is estimated as the time of the first account command on a freshly started node (which makes the
 * entity recover, then persists one small event) minus the time of the same command on the recovered entity. The
 * first recovery in a new actor system also starts the Cassandra journal and snapshot plugins, so a small account
 * is recovered first to take that cost out of the figure; a second small account gives the cold time of an entity
 * with almost no journal.
 */
class RecoveryMeasurementIT {
    private static final String PREFIX = "recovery-measurement";
    private static final int ROSTER_ITEMS = 1_000;
    private static final int OFFLINE_MESSAGES = 1_000;
    private static final int WARM_REPEATS = 3;
    private static final long FILL_TIMEOUT_SECONDS = 300;
    private static final long WAIT_SECONDS = 60;
    private static final long QUIET_SECONDS = 3;
    private static final Map<String, Object> OVERRIDES = Map.of("rookery.user.max-offline-messages", 5_000);

    private RookeryNode node;
    private String keyspace;
    private String datacenter;

    @Test
    void aUserWithAThousandRosterItemsAndAThousandOfflineMessagesRecoversAllOfThem() throws Exception {
        Path dataDir = ItEnvironment.testDir().resolve("recovery-measurement-node-" + ProcessHandle.current().pid());
        try {
            node = ItEnvironment.startNode(dataDir, OVERRIDES);
            keyspace = node.settings().cassandra().keyspace();
            datacenter = node.settings().cassandra().datacenter();
            String holder = ItEnvironment.newUser(node, "holder");
            String sender = ItEnvironment.newUser(node, "sender");
            String warmup = ItEnvironment.newUser(node, "warmup");
            String small = ItEnvironment.newUser(node, "small");
            Jid holderJid = node.accounts().jid(holder);
            String pid = PersistenceId.of(UserEntity.TYPE_KEY.name(), UserEntity.entityId(holderJid)).id();
            long pbkdf2 = System.nanoTime();
            Accounts.credentialsFor(ItEnvironment.PASSWORD, node.settings().scramIterations());
            print("setup persistence-id=%s scram-iterations=%d password-derivation-ms=%s (part of every changePassword "
                    + "call, cold and warm alike)", pid, node.settings().scramIterations(), ms(pbkdf2));

            Set<String> contacts = fillRoster(holder);
            List<String> bodies = fillOffline(sender, holder, pid);
            Journal filled = awaitSnapshot(pid);
            print("journal after-fill %s", filled);

            // 1. Restart of the node only (Cassandra keeps running, its caches warm).
            restart(dataDir, false);
            measureRecovery("node-restart", holderJid, warmup, small, filled);

            // 2. Restart of the node and of Cassandra (cold Cassandra: data read from SSTables after a fresh start).
            restart(dataDir, true);
            measureRecovery("node-and-cassandra-restart", holderJid, warmup, small, journal(pid));

            // 3. A real client logs in on a freshly started node: recovery happens during SASL (the credentials).
            Journal beforeLogin = journal(pid);
            print("journal before-login %s events-replayed-after-snapshot=%d", beforeLogin,
                    beforeLogin.highestSeq() - beforeLogin.snapshots().get(0));
            restart(dataDir, false);
            changePassword(node.accounts().jid(warmup));
            loginAndCheck("login-after-node-restart", holder, contacts, bodies);
            print("journal after-delivery %s", journal(pid));

            // 4. For comparison: no snapshot, the whole journal is replayed.
            node.close();
            node = null;
            int deleted = deleteSnapshots(pid);
            Journal bare = journal(pid);
            print("journal snapshots-deleted=%d %s", deleted, bare);
            node = ItEnvironment.startNode(dataDir, OVERRIDES);
            measureRecovery("full-replay-no-snapshot", holderJid, warmup, small, bare);
            // Not a timing: the entity is already in memory; this checks what the full replay rebuilt.
            loginAndCheck("check-after-full-replay", holder, contacts, List.of());
        } finally {
            if (node != null) node.close();
        }
    }

    // ---- filling ------------------------------------------------------------------------------------------------

    private Set<String> fillRoster(String holder) throws Exception {
        Set<String> contacts = new HashSet<>();
        XMPPTCPConnection c = ItEnvironment.connectStartTls(node, holder, ItEnvironment.PASSWORD, "filler");
        long started = System.nanoTime();
        try {
            Roster roster = Roster.getInstanceFor(c);
            for (int i = 0; i < ROSTER_ITEMS; i++) {
                String contact = String.format(Locale.ROOT, "contact-%04d@localhost", i);
                // Waits for the iq result: the item is persisted when this returns.
                roster.createItem(JidCreate.bareFrom(contact), "Contact " + i, new String[] {"Group " + (i % 10)});
                contacts.add(contact);
                if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(FILL_TIMEOUT_SECONDS)) {
                    fail("filling the roster took more than " + FILL_TIMEOUT_SECONDS + " s; " + i + " items stored");
                }
            }
        } finally {
            c.disconnect();
        }
        print("fill roster-items=%d ms=%s (sequential roster sets, each awaiting its result)", ROSTER_ITEMS,
                ms(started));
        return contacts;
    }

    private List<String> fillOffline(String sender, String holder, String pid) throws Exception {
        long before = journal(pid).events();
        BlockingQueue<Message> errors = new LinkedBlockingQueue<>();
        XMPPTCPConnection s = ItEnvironment.connectStartTls(node, sender, ItEnvironment.PASSWORD, "sender",
                c -> c.addSyncStanzaListener(st -> errors.add((Message) st),
                        st -> st instanceof Message m && m.getType() == Message.Type.error));
        List<String> bodies = new ArrayList<>();
        long started = System.nanoTime();
        long sent;
        try {
            var to = JidCreate.entityBareFrom(holder + "@localhost");
            for (int i = 0; i < OFFLINE_MESSAGES; i++) {
                String body = String.format(Locale.ROOT, "offline %04d", i);
                s.sendStanza(s.getStanzaFactory().buildMessageStanza().to(to).ofType(Message.Type.chat)
                        .setBody(body).build());
                bodies.add(body);
            }
            sent = System.nanoTime();
            // Every stored message is one event in the holder's journal.
            awaitTrue("the " + OFFLINE_MESSAGES + " offline messages were not all stored",
                    () -> journal(pid).events() >= before + OFFLINE_MESSAGES, FILL_TIMEOUT_SECONDS);
        } finally {
            s.disconnect();
        }
        print("fill offline-messages=%d send-ms=%.1f stored-ms=%s", OFFLINE_MESSAGES, (sent - started) / 1e6,
                ms(started));
        assertTrue(errors.isEmpty(), "messages were bounced: " + errors.stream().map(m -> m.toXML().toString())
                .limit(3).collect(Collectors.joining(" ")));
        assertEquals(before + OFFLINE_MESSAGES, journal(pid).events(), "one event per stored message");
        return bodies;
    }

    /** Snapshots are written after the event that crosses a multiple of 100; waits for the last one. */
    private Journal awaitSnapshot(String pid) throws Exception {
        awaitTrue("the snapshot was not written", () -> {
            Journal j = journal(pid);
            return !j.snapshots().isEmpty() && j.snapshots().get(0) == j.highestSeq() / 100 * 100;
        }, WAIT_SECONDS);
        return journal(pid);
    }

    // ---- measuring ----------------------------------------------------------------------------------------------

    private void restart(Path dataDir, boolean cassandraToo) throws Exception {
        node.close();
        node = null;
        if (cassandraToo) ItEnvironment.stopCassandra();
        long started = System.nanoTime();
        node = ItEnvironment.startNode(dataDir, OVERRIDES);
        print("restart cassandra-too=%s node-start-ms=%s", cassandraToo, ms(started));
    }

    private void measureRecovery(String phase, Jid holder, String warmup, String small, Journal journal)
            throws Exception {
        double first = changePassword(node.accounts().jid(warmup));
        double smallCold = changePassword(node.accounts().jid(small));
        double smallWarm = changePassword(node.accounts().jid(small));
        double cold = changePassword(holder);
        double[] warm = new double[WARM_REPEATS];
        for (int i = 0; i < WARM_REPEATS; i++) warm[i] = changePassword(holder);
        double[] sorted = warm.clone();
        Arrays.sort(sorted);
        double median = sorted[WARM_REPEATS / 2];
        long replayed = journal.snapshots().isEmpty() ? journal.highestSeq()
                : journal.highestSeq() - journal.snapshots().get(0);
        print("%s first-recovery-in-actor-system-ms=%.1f (small account, includes journal plugin start)", phase, first);
        print("%s small-account cold-ms=%.1f warm-ms=%.1f estimate-ms=%.1f", phase, smallCold, smallWarm,
                smallCold - smallWarm);
        print("%s holder cold-ms=%.1f warm-ms=%s warm-median-ms=%.1f recovery-estimate-ms=%.1f "
                        + "snapshot-seq=%s events-replayed-after-snapshot=%d journal-events=%d", phase, cold,
                Arrays.stream(warm).mapToObj(w -> String.format(Locale.ROOT, "%.1f", w))
                        .collect(Collectors.joining(",")), median, cold - median,
                journal.snapshots().isEmpty() ? "none" : journal.snapshots().get(0), replayed, journal.events());
    }

    private double changePassword(Jid jid) throws Exception {
        long started = System.nanoTime();
        UserEntity.AccountStatus status = node.accounts().changePassword(jid, ItEnvironment.PASSWORD)
                .toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        double took = (System.nanoTime() - started) / 1e6;
        assertEquals(UserEntity.AccountStatus.UPDATED, status, "changePassword of " + jid);
        return took;
    }

    /**
     * Logs the holder in with listeners in place before login, times login, roster load and the arrival of the
     * offline messages, and checks the roster and the messages against what was stored.
     */
    private void loginAndCheck(String phase, String holder, Set<String> contacts, List<String> expectedBodies)
            throws Exception {
        List<Message> inbox = new ArrayList<>();
        CountDownLatch allArrived = new CountDownLatch(expectedBodies.size());
        AtomicLong lastArrival = new AtomicLong();
        AtomicLong rosterLoaded = new AtomicLong();
        long started = System.nanoTime();
        XMPPTCPConnection c = ItEnvironment.connectStartTls(node, holder, ItEnvironment.PASSWORD, "reader", conn -> {
            // A synchronous listener sees stanzas in the order they arrived.
            conn.addSyncStanzaListener(st -> {
                synchronized (inbox) {
                    inbox.add((Message) st);
                }
                lastArrival.set(System.nanoTime());
                allArrived.countDown();
            }, st -> st instanceof Message);
            Roster.getInstanceFor(conn).addRosterLoadedListener(new org.jivesoftware.smack.roster.RosterLoadedListener() {
                @Override
                public void onRosterLoaded(Roster roster) {
                    rosterLoaded.set(System.nanoTime());
                }

                @Override
                public void onRosterLoadingFailed(Exception exception) {
                }
            });
        });
        long loggedIn = System.nanoTime();
        try {
            Roster roster = Roster.getInstanceFor(c);
            awaitTrue("the roster was not loaded", roster::isLoaded, WAIT_SECONDS);
            boolean all = allArrived.await(WAIT_SECONDS, TimeUnit.SECONDS);
            long arrived = lastArrival.get();
            // Exactly: nothing more may follow.
            Thread.sleep(TimeUnit.SECONDS.toMillis(QUIET_SECONDS));
            List<Message> got;
            synchronized (inbox) {
                got = List.copyOf(inbox);
            }
            assertTrue(all, "only " + got.size() + " of " + expectedBodies.size() + " offline messages arrived");

            Set<String> entries = roster.getEntries().stream().map(e -> e.getJid().toString())
                    .collect(Collectors.toSet());
            assertEquals(ROSTER_ITEMS, entries.size(), "roster entries after recovery");
            assertEquals(contacts, entries, "roster entries after recovery");
            RosterEntry one = roster.getEntry(JidCreate.bareFrom("contact-0007@localhost"));
            assertNotNull(one);
            assertEquals("Contact 7", one.getName());

            assertEquals(expectedBodies, got.stream().map(Message::getBody).toList(),
                    "exactly the stored offline messages, in order");
            for (Message m : got) {
                assertNotNull(DelayInformation.from(m), "an offline message without a XEP-0203 delay: " + m.toXML());
            }
            print("%s login-ms=%.1f roster-loaded-ms=%s roster-entries=%d offline-messages=%d "
                            + "last-offline-message-ms=%s (all from the start of connect, TCP+STARTTLS+SCRAM+bind+presence)",
                    phase, (loggedIn - started) / 1e6,
                    rosterLoaded.get() == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", (rosterLoaded.get() - started) / 1e6),
                    entries.size(), got.size(),
                    got.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.1f", (arrived - started) / 1e6));
        } finally {
            c.disconnect();
        }
    }

    // ---- the journal, read directly ---------------------------------------------------------------------------------

    record Journal(long events, long highestSeq, long eventBytes, List<Long> snapshots, List<Integer> snapshotBytes) {
        @Override
        public String toString() {
            return "events=" + events + " highest-seq=" + highestSeq + " event-bytes=" + eventBytes + " snapshots-seq="
                    + snapshots + " snapshot-bytes=" + snapshotBytes;
        }
    }

    private CqlSession cql() throws Exception {
        var c = ItEnvironment.cassandra();
        return Storage.connect(List.of(c.host() + ":" + c.cqlPort()), datacenter);
    }

    private String keyspace() {
        return keyspace;
    }

    private Journal journal(String pid) throws Exception {
        String ks = keyspace();
        try (CqlSession s = cql()) {
            // While messages are being stored the journal grows between these reads; they agree once it is quiet.
            long events = s.execute("SELECT count(*) FROM " + ks
                    + ".messages WHERE persistence_id=? AND partition_nr=0", pid).one().getLong(0);
            long highest = 0;
            long bytes = 0;
            for (Row r : s.execute("SELECT sequence_nr, event FROM " + ks
                    + ".messages WHERE persistence_id=? AND partition_nr=0", pid)) {
                highest = Math.max(highest, r.getLong("sequence_nr"));
                ByteBuffer b = r.getByteBuffer("event");
                if (b != null) bytes += b.remaining();
            }
            List<Long> snapshots = new ArrayList<>();
            List<Integer> snapshotBytes = new ArrayList<>();
            for (Row r : s.execute("SELECT sequence_nr, snapshot, snapshot_data FROM " + ks
                    + ".snapshots WHERE persistence_id=?", pid)) {
                snapshots.add(r.getLong("sequence_nr"));
                ByteBuffer b = r.getByteBuffer("snapshot");
                if (b == null) b = r.getByteBuffer("snapshot_data");
                snapshotBytes.add(b == null ? 0 : b.remaining());
            }
            return new Journal(events, highest, bytes, snapshots, snapshotBytes);
        }
    }

    private int deleteSnapshots(String pid) throws Exception {
        String ks = keyspace();
        try (CqlSession s = cql()) {
            int n = 0;
            for (Row ignored : s.execute("SELECT sequence_nr FROM " + ks + ".snapshots WHERE persistence_id=?", pid)) n++;
            s.execute("DELETE FROM " + ks + ".snapshots WHERE persistence_id=?", pid);
            return n;
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(String what, Check check, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) fail(what + " within " + seconds + " s");
            Thread.sleep(250);
        }
    }

    private static String ms(long startedNanos) {
        return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - startedNanos) / 1e6);
    }

    private static void print(String format, Object... args) {
        System.out.println(PREFIX + " " + String.format(Locale.ROOT, format, args));
    }
}
