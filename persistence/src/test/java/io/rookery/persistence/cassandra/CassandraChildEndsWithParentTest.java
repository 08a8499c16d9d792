package io.rookery.persistence.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.rookery.persistence.cassandra.child.ParentWatch;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real Cassandra child whose launcher is killed with SIGKILL (no shutdown hook runs): the child must stop by itself,
 * and the next launch on the same data dir must work and find what was written. The launcher runs in a JVM of its
 * own ({@link LauncherParent}); whatever this test started is killed afterwards, whether it passed or not.
 */
class CassandraChildEndsWithParentTest {

    private static final Duration STARTS_WITHIN = Duration.ofMinutes(5);
    /** ParentWatch gives Cassandra's drain 20 s before it halts the JVM; more only on a badly loaded machine. */
    private static final Duration STOPS_WITHIN = Duration.ofSeconds(90);

    private Path work;
    private Path dataDir;
    private Process parent;
    private CassandraLauncher.Handle relaunched;

    @AfterEach
    void killEverythingStarted() throws Exception {
        if (parent != null) {
            parent.destroyForcibly();
        }
        if (relaunched != null) {
            relaunched.stop();
        }
        // A child the test never heard of (it failed before the launcher said ready) is found by its pid file.
        cassandraFromPidFile().ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void cassandraStopsWhenItsLauncherIsKilledAndTheDataDirWorksAgainWithItsRows() throws Exception {
        work = buildDir().resolve("cassandra-test");
        dataDir = work.resolve("killed-launcher");
        deleteRecursively(dataDir);
        Files.createDirectories(dataDir);
        Files.deleteIfExists(readyFile());
        parent = startLauncherParent();
        long[] ready = awaitReady();
        ProcessHandle cassandra = ProcessHandle.of(ready[0]).orElseThrow();
        assertEquals(Optional.of(parent.pid()), cassandra.parent().map(ProcessHandle::pid));
        // A start on this data dir now, while the launcher lives, must see this Cassandra and refuse.
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> CassandraPidFile.awaitNoEarlier(dataDir, Duration.ofSeconds(1)));
        assertTrue(refused.getMessage().contains("pid " + cassandra.pid()), refused.getMessage());
        try (CqlSession session = session((int) ready[1])) {
            session.execute("CREATE KEYSPACE orphan_test WITH replication = "
                    + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
            session.execute("CREATE TABLE orphan_test.notes (id int PRIMARY KEY, text text)");
            session.execute("INSERT INTO orphan_test.notes (id, text) VALUES (1, 'written before the kill')");
        }

        parent.destroyForcibly();
        parent.waitFor();

        awaitEnd(cassandra);
        assertTrue(consoleLog().contains(ParentWatch.PARENT_GONE), consoleLog());

        relaunched = CassandraLauncher.start(options());
        assertNotEquals(cassandra.pid(), relaunched.pid());
        try (CqlSession session = relaunched.sessionBuilder().build()) {
            Row row = session.execute("SELECT text FROM orphan_test.notes WHERE id = 1").one();
            assertNotNull(row, "the row written before the launcher was killed is gone");
            assertEquals("written before the kill", row.getString("text"));
        }
        // An ordinary stop is SIGTERM alone: the child must not take it for its launcher's death.
        relaunched.stop();
        assertEquals(1, consoleLog().lines().filter(line -> line.startsWith(ParentWatch.PARENT_GONE)).count(),
                consoleLog());
    }

    private Process startLauncherParent() throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                LauncherParent.class.getName(), dataDir.toString(), work.resolve("cassandra-runtime").toString(),
                readyFile().toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("killed-launcher-parent.log").toFile())
                .start();
    }

    /** {Cassandra's pid, its CQL port} once the launcher in the other JVM says CQL answers. */
    private long[] awaitReady() throws Exception {
        long deadline = System.nanoTime() + STARTS_WITHIN.toNanos();
        while (!Files.exists(readyFile())) {
            if (!parent.isAlive()) {
                fail("the launcher's JVM exited with " + parent.exitValue() + ":\n"
                        + LogTail.lastLines(work.resolve("killed-launcher-parent.log"), 60));
            }
            if (System.nanoTime() - deadline > 0) {
                fail("Cassandra not ready after " + STARTS_WITHIN + ":\n" + consoleLog());
            }
            Thread.sleep(200);
        }
        String[] fields = Files.readString(readyFile(), StandardCharsets.UTF_8).strip().split(" ");
        return new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
    }

    private void awaitEnd(ProcessHandle cassandra) throws Exception {
        long deadline = System.nanoTime() + STOPS_WITHIN.toNanos();
        while (cassandra.isAlive()) {
            if (System.nanoTime() - deadline > 0) {
                fail("Cassandra (pid " + cassandra.pid() + ") still running " + STOPS_WITHIN
                        + " after its launcher was killed:\n" + consoleLog());
            }
            Thread.sleep(100);
        }
    }

    private Optional<ProcessHandle> cassandraFromPidFile() throws IOException {
        Path pidFile = dataDir == null ? null : dataDir.resolve("cassandra.pid");
        if (pidFile == null || !Files.exists(pidFile)) {
            return Optional.empty();
        }
        String first = Files.readString(pidFile, StandardCharsets.UTF_8).strip().split("\\s+")[0];
        return ProcessHandle.of(Long.parseLong(first)).filter(p -> p.info().commandLine()
                .map(cmd -> cmd.contains(dataDir.toString())).orElse(false));
    }

    private CassandraLauncher.Options options() {
        return CassandraLauncher.Options.builder(dataDir)
                .clusterName("rookery-test")
                .runtimeDir(work.resolve("cassandra-runtime"))
                .build();
    }

    private static CqlSession session(int cqlPort) {
        return CqlSession.builder().addContactPoint(new InetSocketAddress("127.0.0.1", cqlPort))
                .withLocalDatacenter(CassandraLauncher.LOCAL_DATACENTER).build();
    }

    private Path readyFile() {
        return work.resolve("killed-launcher.ready");
    }

    private String consoleLog() {
        return LogTail.lastLines(dataDir.resolve("logs").resolve("console.log"), 40);
    }

    private static Path buildDir() throws Exception {
        return Path.of(CassandraChildEndsWithParentTest.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI()).getParent();
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

    /**
     * {@code LauncherParent <dataDir> <runtimeDir> <readyFile>}: starts Cassandra with {@link CassandraLauncher},
     * writes "{pid} {CQL port}" to the ready file once CQL answers, and waits to be killed.
     */
    public static final class LauncherParent {
        public static void main(String[] args) throws Exception {
            CassandraLauncher.Handle cassandra = CassandraLauncher.start(
                    CassandraLauncher.Options.builder(Path.of(args[0]))
                            .clusterName("rookery-test")
                            .runtimeDir(Path.of(args[1]))
                            .build());
            Path ready = Path.of(args[2]);
            Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
            Files.writeString(tmp, cassandra.pid() + " " + cassandra.cqlPort(), StandardCharsets.UTF_8);
            Files.move(tmp, ready, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
