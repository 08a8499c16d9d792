package io.rookery.persistence.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Runs a real Cassandra 5.0 child JVM once for the whole class: start, schema, a write, a restart on the same data
 * dir. The methods run in order and share the node; {@link #stopCassandra()} stops it whatever failed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CassandraLauncherTest {

    private static final String KEYSPACE = "rookery_test";

    private Path work;
    private Path dataDir;
    private CassandraLauncher.Handle cassandra;

    @BeforeAll
    void startCassandra() throws Exception {
        work = buildDir().resolve("cassandra-test");
        dataDir = work.resolve("node1");
        deleteRecursively(dataDir);
        cassandra = CassandraLauncher.start(options(dataDir));
        System.out.printf("Cassandra %s started on a fresh data dir in %d ms (pid %d, CQL port %d)%n",
                cassandra.releaseVersion(), cassandra.startupTime().toMillis(), cassandra.pid(),
                cassandra.cqlPort());
    }

    @AfterAll
    void stopCassandra() {
        if (cassandra != null) {
            cassandra.stop();
            assertFalse(cassandra.isAlive(), "Cassandra still running after stop()");
        }
    }

    @Test
    @Order(1)
    void answersCqlWithItsReleaseVersionOnLoopback() {
        assertTrue(cassandra.isAlive());
        assertEquals("5.0.9", cassandra.releaseVersion());
        assertEquals("127.0.0.1", cassandra.host());
        assertNotEquals(0, cassandra.cqlPort());
        assertNotEquals(cassandra.cqlPort(), cassandra.storagePort());
        assertEquals(-1, cassandra.jmxPort());
        try (CqlSession session = cassandra.sessionBuilder().build()) {
            Row local = session.execute("SELECT release_version, data_center, cluster_name FROM system.local").one();
            assertNotNull(local);
            assertEquals("5.0.9", local.getString("release_version"));
            assertEquals(CassandraLauncher.LOCAL_DATACENTER, local.getString("data_center"));
            assertEquals("rookery-test", local.getString("cluster_name"));
        }
    }

    /**
     * Two tasks, left to themselves, wake a Cassandra that has nothing to do: the refresh of its approximate clock on
     * the ScheduledFastTasks thread every 2 ms (500 wake-ups a second; the launcher switches it to the precise
     * clock), and the dynamic snitch's ranking of replicas on the ScheduledTasks thread every 100 ms (the launcher's
     * cassandra.yaml turns the dynamic snitch off). Their threads' voluntary context switches over two seconds count
     * the wake-ups: about 1,000 and 20 or more with the tasks, a handful without.
     */
    @Test
    @Order(1)
    void noTaskWakesTheIdleChildEveryFewMilliseconds() throws Exception {
        Path tasks = Path.of("/proc", Long.toString(cassandra.pid()), "task");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(tasks), "needs Linux's /proc");
        long fastBefore = switches(tasks, "ScheduledFastTa");
        long slowBefore = switches(tasks, "ScheduledTasks:");
        Thread.sleep(2_000);
        long fast = switches(tasks, "ScheduledFastTa") - fastBefore;
        long slow = switches(tasks, "ScheduledTasks:") - slowBefore;
        System.out.printf("in 2 s ScheduledFastTasks woke %d times, ScheduledTasks %d times%n", fast, slow);
        assertTrue(fast < 100, "ScheduledFastTasks woke " + fast + " times in 2 s");
        assertTrue(slow < 12, "ScheduledTasks woke " + slow + " times in 2 s");
    }

    /** Voluntary context switches of the child's threads whose names (cut to 15 chars) start with the prefix. */
    private static long switches(Path tasks, String prefix) throws IOException {
        long switches = 0;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                String name;
                List<String> status;
                try {
                    name = Files.readString(thread.resolve("comm")).trim();
                    status = Files.readAllLines(thread.resolve("status"));
                } catch (IOException ended) {
                    continue; // the thread ended between the listing and the read
                }
                if (!name.startsWith(prefix)) continue;
                for (String line : status) {
                    if (line.startsWith("voluntary_ctxt_switches:")) {
                        switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    }
                }
            }
        }
        return switches;
    }

    @Test
    @Order(2)
    void appliesTheSchemaOnceAndRecordsEachVersionOnce() {
        String replication = CassandraSchema.replicationFor("SimpleStrategy", 1);
        try (CqlSession session = cassandra.sessionBuilder().build()) {
            assertEquals(List.of(), CassandraSchema.appliedVersions(session, KEYSPACE));

            CassandraSchema.apply(session, KEYSPACE, replication);
            Map<Integer, Instant> first = versionRows(session);
            CassandraSchema.apply(session, KEYSPACE, replication);
            Map<Integer, Instant> second = versionRows(session);

            List<Integer> shipped = CassandraSchema.migrations().stream()
                    .map(CassandraSchema.Migration::version).toList();
            assertEquals(shipped, CassandraSchema.appliedVersions(session, KEYSPACE));
            assertEquals(shipped.size(), first.size());
            assertEquals(first, second, "a second apply must not re-record versions");

            Set<String> tables = new TreeSet<>();
            session.execute(SimpleStatement.newInstance(
                            "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", KEYSPACE))
                    .forEach(row -> tables.add(row.getString("table_name")));
            // Later versions add tables of their own; these are the plugin's and the bookkeeping's.
            List<String> expected = List.of("all_persistence_ids", "messages", "metadata", "schema_version",
                    "snapshots", "tag_scanning", "tag_views", "tag_write_progress");
            assertTrue(tables.containsAll(expected), "missing " + expected + " in " + tables);
        }
    }

    @Test
    @Order(3)
    void keepsWrittenRowsAcrossARestartOnTheSameDataDir() throws Exception {
        UUID timestamp = Uuids.timeBased();
        try (CqlSession session = cassandra.sessionBuilder().build()) {
            session.execute(SimpleStatement.newInstance("INSERT INTO " + KEYSPACE + ".messages (persistence_id, "
                            + "partition_nr, sequence_nr, timestamp, timebucket, writer_uuid, ser_id, ser_manifest, "
                            + "event_manifest, event, tags) "
                            + "VALUES (?, 0, 1, ?, '20261124T00', 'w1', 7331, '', '', ?, ?)",
                    "user|alice@example.org", timestamp, ByteBuffer.wrap(new byte[] {1, 2, 3}), Set.of("user")));
        }
        long pidBefore = cassandra.pid();
        cassandra.stop();
        assertFalse(cassandra.isAlive());

        // New free ports on purpose: a developer's node gets a fresh storage port on every start.
        cassandra = CassandraLauncher.start(options(dataDir));
        System.out.printf("Cassandra restarted on the same data dir in %d ms (pid %d, CQL port %d)%n",
                cassandra.startupTime().toMillis(), cassandra.pid(), cassandra.cqlPort());
        assertNotEquals(pidBefore, cassandra.pid());

        try (CqlSession session = cassandra.sessionBuilder().build()) {
            Row row = session.execute(SimpleStatement.newInstance("SELECT timestamp, event, tags FROM " + KEYSPACE
                    + ".messages WHERE persistence_id = ? AND partition_nr = 0", "user|alice@example.org")).one();
            assertNotNull(row, "the row written before the restart is gone");
            assertEquals(timestamp, row.getUuid("timestamp"));
            assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), row.getByteBuffer("event"));
            assertEquals(Set.of("user"), row.getSet("tags", String.class));
            CassandraSchema.apply(session, KEYSPACE, CassandraSchema.replicationFor("SimpleStrategy", 1));
            List<Integer> applied = CassandraSchema.appliedVersions(session, KEYSPACE);
            assertEquals(CassandraSchema.latestVersion(), applied.get(applied.size() - 1));
        }
    }

    @Test
    @Order(4)
    void reportsTheEndOfTheLogWhenCassandraCannotStart() throws Exception {
        Path runtime = work.resolve("cassandra-runtime");
        Path jamm = CassandraClasspath.jammJar(CassandraClasspath.resolve(runtime));
        Path brokenDir = work.resolve("broken");
        deleteRecursively(brokenDir);
        // Only the agent on the classpath: the child dies at once because the main class is missing.
        CassandraLauncher.Options broken = CassandraLauncher.Options.builder(brokenDir)
                .classpath(List.of(jamm))
                .startupTimeout(Duration.ofSeconds(30))
                .build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CassandraLauncher.start(broken).stop());
        assertTrue(e.getMessage().contains("exited with code"), e.getMessage());
        assertTrue(e.getMessage().contains("org.apache.cassandra.service.CassandraDaemon"), e.getMessage());
    }

    @Test
    @Order(5)
    void refusesADataDirThatAnEarlierCassandraStillUses() throws Exception {
        Path orphanDir = work.resolve("orphan");
        deleteRecursively(orphanDir);
        Files.createDirectories(orphanDir);
        // Stands in for a child of a launcher that did not record itself: its command line names the data dir as a
        // real one's does.
        Process orphan = new ProcessBuilder("bash", "-c", "sleep 60; exit 0", "java",
                CassandraCommand.storageDirOption(orphanDir.toAbsolutePath()), CassandraCommand.MAIN_CLASS).start();
        try {
            Files.writeString(orphanDir.resolve("cassandra.pid"), Long.toString(orphan.pid()));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> CassandraLauncher.start(options(orphanDir)).stop());
            assertTrue(e.getMessage().contains("pid " + orphan.pid()), e.getMessage());
        } finally {
            orphan.descendants().forEach(ProcessHandle::destroyForcibly);
            orphan.destroyForcibly();
        }
    }

    private CassandraLauncher.Options options(Path dir) {
        return CassandraLauncher.Options.builder(dir)
                .clusterName("rookery-test")
                .runtimeDir(work.resolve("cassandra-runtime"))
                .build();
    }

    private static Map<Integer, Instant> versionRows(CqlSession session) {
        Map<Integer, Instant> rows = new HashMap<>();
        session.execute("SELECT version, applied_at FROM " + KEYSPACE + ".schema_version")
                .forEach(row -> rows.put(row.getInt("version"), row.getInstant("applied_at")));
        return rows;
    }

    /** The module's build folder (target-NAME), found from where the test classes were loaded. */
    private static Path buildDir() throws Exception {
        return Path.of(CassandraLauncherTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getParent();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
