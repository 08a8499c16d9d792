package io.rookery.persistence.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Runs a single-node Apache Cassandra 5.0 ({@code org.apache.cassandra:cassandra-all}) for development and tests,
 * as a child JVM on the current JDK.
 *
 * <p>Why a child JVM: Cassandra in-process calls {@code System.exit} when stopped, and its netty, guava and logback
 * versions clash with the server's. Its classpath is therefore resolved with Maven at runtime (see
 * {@link CassandraClasspath}), unless {@link Options.Builder#classpath} names the jars. Cassandra 5.0 runs on JDK 11
 * and 17 only.
 *
 * <p>The data dir persists across starts. Everything binds to 127.0.0.1; JMX is off unless asked for, so parallel
 * instances do not clash. A JVM shutdown hook stops the child when the parent exits normally or on SIGTERM, after
 * {@link Handle#deferShutdownUntil} if set. A parent that dies without running its hooks (SIGKILL, a crash, or
 * OutOfMemoryError with {@code -XX:+ExitOnOutOfMemoryError}) is noticed by the child itself
 * ({@link io.rookery.persistence.cassandra.child.ParentWatch}), which then stops as on SIGTERM.
 */
public final class CassandraLauncher {

    /** The datacenter SimpleSnitch reports; give it to {@code CqlSessionBuilder#withLocalDatacenter}. */
    public static final String LOCAL_DATACENTER = "datacenter1";

    private static final int LOG_LINES_ON_FAILURE = 50;
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(20);
    /** A child whose launcher died stops within its own 20 s limit (ParentWatch); a little more for the JVM to end. */
    private static final Duration ORPHAN_STOP = Duration.ofSeconds(30);

    private CassandraLauncher() {
    }

    /**
     * Starts Cassandra and returns once it answers {@code SELECT release_version FROM system.local} over CQL.
     *
     * @throws IllegalStateException when the child exits or does not answer within the startup timeout; the message
     *     holds the end of its logs
     */
    public static Handle start(Options options) {
        Path dataDir = options.dataDir().toAbsolutePath().normalize();
        try {
            for (String dir : List.of("data", "commitlog", "saved_caches", "hints", "cdc_raw", "triggers",
                    "logs")) {
                Files.createDirectories(dataDir.resolve(dir));
            }
            List<Path> classpath = options.classpath().isEmpty()
                    ? CassandraClasspath.resolve(options.runtimeDirOrDefault())
                    : options.classpath();
            CassandraPidFile.awaitNoEarlier(dataDir, ORPHAN_STOP);
            Path jamm = CassandraClasspath.jammJar(classpath);
            int[] ports = LoopbackPorts.pickFree(options.cqlPort(), options.storagePort(), options.jmxPort());
            int cqlPort = ports[0];
            int storagePort = ports[1];
            int jmxPort = ports[2];

            Path yaml = dataDir.resolve("cassandra.yaml");
            Path logback = dataDir.resolve("logback.xml");
            Path systemLog = dataDir.resolve("logs").resolve("system.log");
            Path consoleLog = dataDir.resolve("logs").resolve("console.log");
            CassandraConfigFiles.write(yaml,
                    CassandraConfigFiles.yaml(dataDir, options.clusterName(), storagePort, cqlPort));
            CassandraConfigFiles.write(logback, CassandraConfigFiles.logbackXml(systemLog));

            Path childClasses = ChildClasses.install(dataDir.resolve("child-classes"));
            List<String> command = CassandraCommand.build(options, dataDir, classpath, childClasses, jamm, yaml,
                    logback, jmxPort);

            Files.writeString(consoleLog, "==== " + Instant.now() + " starting: " + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            long startedAt = System.nanoTime();
            // Output goes straight to a file: a pipe nobody reads would fill up and block Cassandra. Standard input
            // stays a pipe from this process: the child stops when it closes (see Handle#lifeline).
            Process process = new ProcessBuilder(command)
                    .directory(dataDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog.toFile()))
                    .start();
            CassandraPidFile.write(dataDir, process.pid(), ProcessHandle.current().pid());
            Handle handle = new Handle(process, dataDir, cqlPort, storagePort, jmxPort, consoleLog, systemLog);
            try {
                awaitCql(handle, options.startupTimeout(), startedAt);
                return handle;
            } catch (RuntimeException | Error e) {
                handle.stop();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Cassandra in " + dataDir, e);
        }
    }

    private static void awaitCql(Handle handle, Duration timeout, long startedAt) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            if (!handle.process.isAlive()) {
                throw handle.failure("Cassandra exited with code " + handle.process.exitValue() + " during startup",
                        last);
            }
            if (System.nanoTime() > deadline) {
                throw handle.failure("Cassandra did not answer CQL on " + handle.host() + ":" + handle.cqlPort()
                        + " within " + timeout, last);
            }
            // A plain TCP probe first: a driver session per attempt costs event loops and logs a warning each time.
            if (LoopbackPorts.accepts(handle.cqlPort())) {
                try (CqlSession session = handle.sessionBuilder()
                        .withConfigLoader(probeConfig())
                        .build()) {
                    Row row = session.execute("SELECT release_version FROM system.local").one();
                    if (row != null) {
                        handle.ready(row.getString("release_version"),
                                Duration.ofNanos(System.nanoTime() - startedAt));
                        return;
                    }
                } catch (DriverException e) {
                    last = e;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw handle.failure("interrupted while waiting for Cassandra", e);
            }
        }
    }

    /** A lean session: no schema or token metadata, and no 2 s netty quiet period when it closes. */
    private static DriverConfigLoader probeConfig() {
        return DriverConfigLoader.programmaticBuilder()
                .withString(DefaultDriverOption.PROTOCOL_VERSION, "V5")
                .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
                .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false)
                .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
                .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
                .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
                .build();
    }

    /**
     * Runs Cassandra until this process is stopped: {@code CassandraLauncher <dataDir> [cqlPort]} (cqlPort defaults
     * to 9042). Set {@code -Drookery.cassandra.classpath=...} to use shipped jars instead of resolving with Maven.
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: CassandraLauncher <dataDir> [cqlPort]");
            System.exit(2);
        }
        Options.Builder builder = Options.builder(Path.of(args[0]))
                .cqlPort(args.length > 1 ? Integer.parseInt(args[1]) : 9042);
        String classpath = System.getProperty("rookery.cassandra.classpath");
        if (classpath != null && !classpath.isBlank()) {
            builder.classpath(List.of(classpath.split(File.pathSeparator)).stream().map(Path::of).toList());
        }
        Handle handle = start(builder.build());
        System.out.printf("Cassandra %s ready on %s:%d (pid %d, started in %d ms, logs in %s)%n",
                handle.releaseVersion(), handle.host(), handle.cqlPort(), handle.pid(),
                handle.startupTime().toMillis(), handle.consoleLog.getParent());
        int code = handle.process.waitFor();
        System.err.println("Cassandra exited with code " + code + "; see " + handle.consoleLog);
        System.exit(code == 0 ? 0 : 1);
    }

    /**
     * How to run the node. Ports: 0 picks a free one, -1 (JMX only) leaves it off.
     *
     * @param dataDir data, commit log, caches, hints, generated config and logs; kept across starts
     * @param clusterName stored by Cassandra on first start; a later start with another name is refused
     * @param runtimeDir where the Maven pom and cached classpath live; null: {@code <dataDir>/../cassandra-runtime}
     * @param classpath the Cassandra jars (with jamm) when they ship with the image; empty means resolve with Maven
     * @param javaExecutable null means this JVM's {@code java}
     */
    public record Options(Path dataDir, String clusterName, int cqlPort, int storagePort, int jmxPort, int heapMb,
            Duration startupTimeout, Path runtimeDir, List<Path> classpath, Path javaExecutable) {

        public Options {
            if (dataDir == null) {
                throw new IllegalArgumentException("dataDir is required");
            }
            if (clusterName == null || clusterName.isBlank()) {
                throw new IllegalArgumentException("clusterName is required");
            }
            checkPort("cqlPort", cqlPort, false);
            checkPort("storagePort", storagePort, false);
            checkPort("jmxPort", jmxPort, true);
            if (heapMb < 128) {
                throw new IllegalArgumentException("heapMb must be at least 128, was " + heapMb);
            }
            if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive");
            }
            classpath = classpath == null ? List.of() : List.copyOf(classpath);
        }

        public static Builder builder(Path dataDir) {
            return new Builder(dataDir);
        }

        Path runtimeDirOrDefault() {
            if (runtimeDir != null) {
                return runtimeDir.toAbsolutePath().normalize();
            }
            Path absolute = dataDir.toAbsolutePath().normalize();
            Path parent = absolute.getParent() == null ? absolute : absolute.getParent();
            return parent.resolve("cassandra-runtime");
        }

        Path javaExecutableOrDefault() {
            return javaExecutable != null ? javaExecutable
                    : Path.of(System.getProperty("java.home"), "bin", "java");
        }

        private static void checkPort(String name, int port, boolean mayBeOff) {
            if (port < (mayBeOff ? -1 : 0) || port > 65535) {
                throw new IllegalArgumentException(name + " out of range: " + port);
            }
        }

        /** Defaults: cluster "rookery-dev", free CQL and storage ports, JMX off, 512 MB heap, 120 s to start. */
        public static final class Builder {
            private final Path dataDir;
            private String clusterName = "rookery-dev";
            private int cqlPort;
            private int storagePort;
            private int jmxPort = -1;
            private int heapMb = 512;
            private Duration startupTimeout = Duration.ofSeconds(120);
            private Path runtimeDir;
            private List<Path> classpath = List.of();
            private Path javaExecutable;

            private Builder(Path dataDir) {
                this.dataDir = dataDir;
            }

            public Builder clusterName(String clusterName) {
                this.clusterName = clusterName;
                return this;
            }

            public Builder cqlPort(int cqlPort) {
                this.cqlPort = cqlPort;
                return this;
            }

            public Builder storagePort(int storagePort) {
                this.storagePort = storagePort;
                return this;
            }

            public Builder jmxPort(int jmxPort) {
                this.jmxPort = jmxPort;
                return this;
            }

            public Builder heapMb(int heapMb) {
                this.heapMb = heapMb;
                return this;
            }

            public Builder startupTimeout(Duration startupTimeout) {
                this.startupTimeout = startupTimeout;
                return this;
            }

            public Builder runtimeDir(Path runtimeDir) {
                this.runtimeDir = runtimeDir;
                return this;
            }

            public Builder classpath(List<Path> classpath) {
                this.classpath = classpath;
                return this;
            }

            public Builder javaExecutable(Path javaExecutable) {
                this.javaExecutable = javaExecutable;
                return this;
            }

            public Options build() {
                return new Options(dataDir, clusterName, cqlPort, storagePort, jmxPort, heapMb, startupTimeout,
                        runtimeDir, classpath, javaExecutable);
            }
        }
    }

    /** A running Cassandra child process. */
    public static final class Handle implements AutoCloseable {

        private final Process process;
        /**
         * The writing end of the child's standard input, never written to. The child stops when it reads end of file:
         * the kernel closes this end when this process dies, however it dies. Held for as long as the handle, since
         * closing it (or letting it be collected) would stop the child too.
         */
        private final java.io.OutputStream lifeline;
        private final Path dataDir;
        private final int cqlPort;
        private final int storagePort;
        private final int jmxPort;
        private final Path consoleLog;
        private final Path systemLog;
        private final Thread shutdownHook;
        private volatile String releaseVersion;
        private volatile Duration startupTime;
        private boolean stopped;
        private volatile java.util.concurrent.CompletionStage<?> deferral;
        private volatile Duration deferralLimit = Duration.ZERO;

        private Handle(Process process, Path dataDir, int cqlPort, int storagePort, int jmxPort, Path consoleLog,
                Path systemLog) {
            this.process = process;
            this.lifeline = process.getOutputStream();
            this.dataDir = dataDir;
            this.cqlPort = cqlPort;
            this.storagePort = storagePort;
            this.jmxPort = jmxPort;
            this.consoleLog = consoleLog;
            this.systemLog = systemLog;
            this.shutdownHook = new Thread(() -> {
                awaitDeferral();
                terminate(process);
            }, "cassandra-launcher-shutdown-" + process.pid());
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }

        private void ready(String version, Duration took) {
            this.releaseVersion = version;
            this.startupTime = took;
        }

        public String host() {
            return CassandraConfigFiles.HOST;
        }

        public int cqlPort() {
            return cqlPort;
        }

        public int storagePort() {
            return storagePort;
        }

        /** The local JMX port, or -1 when JMX is off (the default). */
        public int jmxPort() {
            return jmxPort;
        }

        public InetSocketAddress cqlAddress() {
            return new InetSocketAddress(host(), cqlPort);
        }

        /** A driver session builder aimed at this node, with its local datacenter set. */
        public CqlSessionBuilder sessionBuilder() {
            return CqlSession.builder().addContactPoint(cqlAddress()).withLocalDatacenter(LOCAL_DATACENTER);
        }

        public long pid() {
            return process.pid();
        }

        public Path dataDir() {
            return dataDir;
        }

        /** Cassandra's own WARN-and-above log; the child's stdout and stderr go to {@code console.log} beside it. */
        public Path logFile() {
            return systemLog;
        }

        /** {@code release_version} as the node reported it. */
        public String releaseVersion() {
            return releaseVersion;
        }

        /** From process launch until CQL answered. */
        public Duration startupTime() {
            return startupTime;
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /**
         * When the JVM exits, wait (at most {@code limit}) for {@code until} before stopping Cassandra, so that a
         * server shutting down in parallel can finish its last writes first. JVM shutdown hooks run concurrently.
         */
        public void deferShutdownUntil(java.util.concurrent.CompletionStage<?> until, Duration limit) {
            this.deferralLimit = limit;
            this.deferral = until;
        }

        private void awaitDeferral() {
            java.util.concurrent.CompletionStage<?> d = deferral;
            if (d == null) return;
            try {
                d.toCompletableFuture().get(deferralLimit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // Waited long enough: stop Cassandra anyway.
            }
        }

        /** SIGTERM (Cassandra drains and flushes), then a forced kill if it is still up after 20 s. Idempotent. */
        public synchronized void stop() {
            if (stopped) {
                return;
            }
            stopped = true;
            terminate(process);
            if (!process.isAlive()) {
                try {
                    CassandraPidFile.delete(dataDir);
                } catch (IOException e) {
                    // A stale pid file is checked and removed on the next start.
                }
            }
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down; the hook stops the process anyway.
            }
        }

        @Override
        public void close() {
            stop();
        }

        private IllegalStateException failure(String what, Exception cause) {
            return new IllegalStateException(what + "\n--- last " + LOG_LINES_ON_FAILURE + " lines of " + consoleLog
                    + " ---\n" + LogTail.lastLines(consoleLog, LOG_LINES_ON_FAILURE)
                    + "\n--- last " + LOG_LINES_ON_FAILURE + " lines of " + systemLog + " ---\n"
                    + LogTail.lastLines(systemLog, LOG_LINES_ON_FAILURE), cause);
        }

        private static void terminate(Process process) {
            if (!process.isAlive()) {
                return;
            }
            // Signals through the ProcessHandle: Process.destroy() would also close the child's standard input at
            // once, which the child reads as its launcher gone and would log as such on every ordinary stop.
            ProcessHandle handle = process.toHandle();
            handle.destroy();
            try {
                if (!process.waitFor(GRACEFUL_STOP.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    handle.destroyForcibly();
                    process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                handle.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String toString() {
            return "Cassandra[pid " + pid() + ", " + host() + ":" + cqlPort + ", " + dataDir + "]";
        }
    }
}
