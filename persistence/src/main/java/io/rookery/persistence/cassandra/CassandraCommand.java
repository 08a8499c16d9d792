package io.rookery.persistence.cassandra;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The command line of the Cassandra child JVM. Its main class is {@link ChildClasses#MAIN_CLASS}, which stops the
 * child when the launching process is gone and otherwise runs {@link #MAIN_CLASS}.
 */
final class CassandraCommand {

    static final String MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";
    /** Cassandra's precise monotonic clock (a nested class: binary name with {@code $}). */
    static final String SYSTEM_CLOCK = "org.apache.cassandra.utils.MonotonicClock$SystemClock";

    /**
     * Module flags from Cassandra 5.0's {@code conf/jvm17-server.options}: Cassandra reaches into JDK internals
     * (direct buffers, attach, reflection on java.base) and fails at startup without them.
     */
    static final List<String> JDK17_OPTIONS = List.of(
            "-Djdk.attach.allowAttachSelf=true",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
            "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
            "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
            "--add-exports", "java.base/java.lang.ref=ALL-UNNAMED",
            "--add-exports", "jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports", "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports", "jdk.attach/sun.tools.attach=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/java.io=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens", "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED",
            "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "-Dio.netty.tryReflectionSetAccessible=true",
            "-Dio.netty.allocator.useCacheForAllThreads=true",
            "-Dio.netty.allocator.maxOrder=11");

    private CassandraCommand() {
    }

    /** The option that names the data dir; every launcher so far has passed it. */
    static String storageDirOption(Path dataDir) {
        return "-Dcassandra.storagedir=" + dataDir;
    }

    static List<String> build(CassandraLauncher.Options options, Path dataDir, List<Path> classpath,
            Path childClasses, Path jamm, Path yaml, Path logback, int jmxPort) {
        List<String> command = new ArrayList<>();
        command.add(options.javaExecutableOrDefault().toString());
        // First: a later start recognises this process by it (CassandraPidFile), and the JDK reports only the first
        // 4096 bytes of another process's command line, which end long before the class path and the main class.
        command.add(storageDirOption(dataDir));
        command.add("-Xms" + options.heapMb() + "m");
        command.add("-Xmx" + options.heapMb() + "m");
        // From jvm-server.options: Cassandra expects assertions on, except in chronicle which allocates by design.
        command.addAll(List.of("-ea", "-da:net.openhft...", "-Xss256k", "-XX:+UseThreadPriorities",
                "-XX:+PerfDisableSharedMem", "-Djava.net.preferIPv4Stack=true"));
        command.addAll(List.of("-XX:+UseG1GC", "-XX:+ParallelRefProcEnabled", "-XX:MaxTenuringThreshold=1",
                "-XX:MaxGCPauseMillis=300", "-XX:+ExitOnOutOfMemoryError"));
        command.addAll(JDK17_OPTIONS);
        command.add("-javaagent:" + jamm);
        command.add("-Dcassandra-foreground=yes");
        command.add("-Dcassandra.config=" + yaml.toUri());
        command.add("-Dcassandra.logdir=" + dataDir.resolve("logs"));
        command.add("-Dcassandra.triggers_dir=" + dataDir.resolve("triggers"));
        command.add("-Dlogback.configurationFile=" + logback.toUri());
        // A single node has nobody to gossip with: these cut startup from ~40 s to a few seconds.
        command.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
        command.add("-Dcassandra.ring_delay_ms=100");
        command.add("-Dcassandra.superuser_setup_delay_ms=0");
        // Development only: schema changes skip the flush of the system tables (their writes still go through the
        // commit log). Without it each CREATE TABLE costs over a second on a small machine.
        command.add("-Dcassandra.unsafesystem=true");
        // Cassandra's approximate clock is a field that a task on ScheduledFastTasks refreshes every 2 ms: 500 wakes a
        // second, 10-11 ms/s of CPU on an idle node, two thirds of all this process spent idle (per-thread CPU, 10,000
        // sessions idle). Naming the system clock makes the approximate clock the precise one (MonotonicClock.Global
        // returns it as is): no task, and each reading is one System.nanoTime() instead of a volatile read.
        command.add("-Dcassandra.monotonic_clock.approx=" + SYSTEM_CLOCK);
        if (jmxPort > 0) {
            command.add("-Dcassandra.jmx.local.port=" + jmxPort);
        }
        command.add("-cp");
        // Last, so that nothing in it can shadow a class of Cassandra's.
        command.add(Stream.concat(classpath.stream(), Stream.of(childClasses))
                .map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
        command.add(ChildClasses.MAIN_CLASS);
        command.add(MAIN_CLASS);
        return command;
    }
}
