package io.rookery.persistence.cassandra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code <dataDir>/cassandra.pid}: the Cassandra child's pid and its launcher's, so that a start can tell whether an
 * earlier Cassandra still uses the data dir. Two Cassandra processes on one data dir corrupt it.
 */
final class CassandraPidFile {

    private static final Logger log = LoggerFactory.getLogger(CassandraPidFile.class);
    private static final String NAME = "cassandra.pid";
    private static final long POLL_MILLIS = 100;

    private CassandraPidFile() {
    }

    static void write(Path dataDir, long cassandraPid, long launcherPid) throws IOException {
        Files.writeString(dataDir.resolve(NAME), cassandraPid + " " + launcherPid, StandardCharsets.UTF_8);
    }

    static void delete(Path dataDir) throws IOException {
        Files.deleteIfExists(dataDir.resolve(NAME));
    }

    /**
     * Returns once no earlier Cassandra uses {@code dataDir}, removing the pid file it left; throws
     * {@link IllegalStateException} naming its pid when one still does.
     *
     * <p>An earlier Cassandra whose launcher is gone (it was adopted by another parent) stops by itself
     * ({@link io.rookery.persistence.cassandra.child.ParentWatch}), in a few seconds: a node started again right after
     * a crash waits up to {@code orphanGrace} for it instead of refusing. One still attached to its launcher, or from a
     * launcher that did not record itself (no stop of its own), is refused at once.
     */
    static void awaitNoEarlier(Path dataDir, Duration orphanGrace) throws IOException {
        Path file = dataDir.resolve(NAME);
        if (!Files.exists(file)) {
            return;
        }
        String[] fields = Files.readString(file, StandardCharsets.UTF_8).strip().split("\\s+");
        ProcessHandle earlier = pid(fields[0]).flatMap(ProcessHandle::of).orElse(null);
        if (earlier != null && earlier.isAlive() && runsCassandraOn(earlier, dataDir)) {
            Optional<Long> launcher = fields.length > 1 ? pid(fields[1]) : Optional.empty();
            boolean orphaned = launcher.isPresent()
                    && !earlier.parent().map(ProcessHandle::pid).equals(launcher);
            if (orphaned) {
                log.info("cassandra-earlier-stopping pid={} launcher={} dataDir={}", earlier.pid(), launcher.get(),
                        dataDir);
                awaitExit(earlier, orphanGrace);
            }
            if (earlier.isAlive()) {
                throw new IllegalStateException("Cassandra (pid " + earlier.pid() + ") from an earlier run still uses "
                        + dataDir + (orphaned ? " " + orphanGrace.toSeconds() + " s after its launcher ended" : "")
                        + "; stop it first (kill " + earlier.pid() + ")");
            }
        }
        Files.delete(file);
    }

    /**
     * By its storage dir option, followed by the space before the next argument (so that {@code /x/node1} does not
     * match {@code /x/node10}). Not by the main class: the JDK cuts a command line at 4096 bytes, and Cassandra's
     * class path alone is longer.
     */
    private static boolean runsCassandraOn(ProcessHandle process, Path dataDir) {
        return process.info().commandLine()
                .map(cmd -> cmd.contains(CassandraCommand.storageDirOption(dataDir) + " "))
                .orElse(false);
    }

    /** Polls: onExit() of a process that is not our child polls too, with back-off that can overshoot the grace. */
    private static void awaitExit(ProcessHandle process, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (process.isAlive() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Optional<Long> pid(String text) {
        try {
            return Optional.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
