package io.rookery.persistence.cassandra;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a start does with the pid file an earlier run left. Stand-ins for an earlier Cassandra are shell processes
 * whose command line looks like a real one's: the data dir option first, then a class path longer than the 4096
 * bytes of it the JDK reports, then the main class.
 */
class CassandraPidFileTest {

    private static final Duration GRACE = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killStandIns() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    void aPidFileOfAProcessThatIsGoneIsRemoved() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        CassandraPidFile.write(dataDir, gone.pid(), ProcessHandle.current().pid());

        CassandraPidFile.awaitNoEarlier(dataDir, GRACE);

        assertFalse(Files.exists(dataDir.resolve("cassandra.pid")));
    }

    @Test
    void aCassandraWhoseLauncherStillRunsIsRefusedWithoutWaiting() throws Exception {
        // It would end within the grace: waiting for it would let the start go on instead of refusing it.
        Process earlier = standIn(5);
        CassandraPidFile.write(dataDir, earlier.pid(), ProcessHandle.current().pid());

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CassandraPidFile.awaitNoEarlier(dataDir, GRACE));

        assertTrue(e.getMessage().contains("pid " + earlier.pid()), e.getMessage());
        assertTrue(earlier.isAlive());
    }

    @Test
    void anOrphanedCassandraIsAwaitedWhileItStopsAndThenTheStartGoesOn() throws Exception {
        // Adopted by another parent than the launcher the file names: the launcher died, the orphan is stopping.
        Process earlier = standIn(1);
        CassandraPidFile.write(dataDir, earlier.pid(), endedPid());

        CassandraPidFile.awaitNoEarlier(dataDir, GRACE);

        assertFalse(earlier.isAlive());
        assertFalse(Files.exists(dataDir.resolve("cassandra.pid")));
    }

    @Test
    void anOrphanedCassandraThatOutlivesTheGraceIsRefused() throws Exception {
        Process earlier = standIn(600);
        CassandraPidFile.write(dataDir, earlier.pid(), endedPid());

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CassandraPidFile.awaitNoEarlier(dataDir, Duration.ofMillis(300)));

        assertTrue(e.getMessage().contains("pid " + earlier.pid()), e.getMessage());
        assertTrue(e.getMessage().contains("after its launcher ended"), e.getMessage());
    }

    @Test
    void aCassandraOnAnotherDataDirWhoseNameStartsTheSameIsNotTakenForThisOnes() throws Exception {
        Process other = standIn(600, dataDir.resolveSibling(dataDir.getFileName() + "0"));
        CassandraPidFile.write(dataDir, other.pid(), ProcessHandle.current().pid());

        CassandraPidFile.awaitNoEarlier(dataDir, GRACE);

        assertFalse(Files.exists(dataDir.resolve("cassandra.pid")));
    }

    @Test
    void anUnrelatedProcessThatReusedThePidIsNotTakenForCassandra() throws Exception {
        Process unrelated = new ProcessBuilder("sleep", "600").start();
        started.add(unrelated);
        CassandraPidFile.write(dataDir, unrelated.pid(), ProcessHandle.current().pid());

        CassandraPidFile.awaitNoEarlier(dataDir, GRACE);

        assertFalse(Files.exists(dataDir.resolve("cassandra.pid")));
    }

    /** A process that looks like Cassandra on this data dir and ends after {@code seconds}. */
    private Process standIn(int seconds) throws Exception {
        return standIn(seconds, dataDir);
    }

    private Process standIn(int seconds, Path dir) throws Exception {
        // read -t waits in the shell itself (its standard input is a pipe nobody writes): a sleep would be a child
        // process, which killing the shell leaves behind.
        Process p = new ProcessBuilder("bash", "-c", "read -t " + seconds + "; exit 0", "java",
                CassandraCommand.storageDirOption(dir), "-cp", "/a/jar.jar:".repeat(500),
                CassandraCommand.MAIN_CLASS).start();
        started.add(p);
        return p;
    }

    private static long endedPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
