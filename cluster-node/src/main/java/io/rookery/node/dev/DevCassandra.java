package io.rookery.node.dev;

import io.rookery.persistence.cassandra.CassandraLauncher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * One development Cassandra shared by several local nodes ({@code bin/rookery cluster}): starts it in a child JVM
 * with {@link CassandraLauncher}, prints its CQL address, writes the port to {@code <data-dir>/cql.port} once CQL
 * answers (scripts wait for that file), and runs until SIGTERM or Ctrl-C, which stop Cassandra (the launcher's
 * shutdown hook: SIGTERM, a forced kill after 20 s). Exits 1 when Cassandra does not start or dies by itself.
 *
 * <pre>DevCassandra &lt;data-dir&gt; [&lt;cql-port&gt;]   (default 9042)</pre>
 */
public final class DevCassandra {
    private static volatile boolean stopping;

    private DevCassandra() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: DevCassandra <data-dir> [<cql-port>]");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]).toAbsolutePath().normalize();
        int cqlPort = args.length > 1 ? Integer.parseInt(args[1]) : 9042;
        Path portFile = dataDir.resolve("cql.port");
        Files.createDirectories(dataDir);
        Files.deleteIfExists(portFile);

        CassandraLauncher.Handle cassandra;
        try {
            cassandra = CassandraLauncher.start(CassandraLauncher.Options.builder(dataDir).cqlPort(cqlPort).build());
        } catch (RuntimeException e) {
            System.err.println("dev-cassandra-start-failed " + e.getMessage());
            System.exit(1);
            return;
        }
        // Registered after the launcher's own hook; hooks run concurrently, so this one only tidies up.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            try {
                Files.deleteIfExists(portFile);
            } catch (Exception ignored) {
                // Stale port files are replaced on the next start.
            }
        }, "dev-cassandra-port-file"));

        Path tmp = dataDir.resolve("cql.port.tmp");
        Files.writeString(tmp, cassandra.cqlPort() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, portFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.printf("dev-cassandra-ready cql=%s:%d version=%s pid=%d started-in-ms=%d logs=%s%n",
                cassandra.host(), cassandra.cqlPort(), cassandra.releaseVersion(), cassandra.pid(),
                cassandra.startupTime().toMillis(), cassandra.logFile().getParent());
        System.out.flush();

        while (cassandra.isAlive() || stopping) {
            Thread.sleep(200);
        }
        // Only reached when Cassandra died on its own: on a signal the JVM ends while this loop waits.
        System.err.println("dev-cassandra-exited unexpectedly; see " + cassandra.logFile().getParent());
        System.exit(1);
    }
}
