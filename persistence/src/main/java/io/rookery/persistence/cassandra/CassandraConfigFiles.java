package io.rookery.persistence.cassandra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the development node's {@code cassandra.yaml} and {@code logback.xml} into its data dir on every start, so a
 * port picked afresh reaches the server. Key names follow Cassandra 5.0's format (durations and sizes carry units).
 */
final class CassandraConfigFiles {

    static final String HOST = "127.0.0.1";

    private CassandraConfigFiles() {
    }

    static String yaml(Path dataDir, String clusterName, int storagePort, int cqlPort) {
        return String.join("\n",
                "# Written by io.rookery.persistence.cassandra.CassandraLauncher on each start; edits are lost.",
                // The cluster name is stored in system.local: a restart with another name is refused by Cassandra.
                "cluster_name: " + quote(clusterName),
                // One token on a single node: no vnode overhead, and a restart keeps the same ownership.
                "num_tokens: 1",
                "initial_token: 0",
                "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
                // SimpleSnitch reports datacenter1/rack1, the names the driver and the plugin config expect.
                "endpoint_snitch: SimpleSnitch",
                // The dynamic snitch ranks replicas by latency, recomputed every 100 ms on the ScheduledTasks thread:
                // ten wake-ups a second of an idle node, for a choice a single node never has to make.
                "dynamic_snitch: false",
                "commitlog_sync: periodic",
                "commitlog_sync_period: 10000ms",
                "commitlog_segment_size: 8MiB",
                "seed_provider:",
                "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
                "    parameters:",
                "      - seeds: \"" + HOST + ":" + storagePort + "\"",
                "listen_address: " + HOST,
                "rpc_address: " + HOST,
                "storage_port: " + storagePort,
                "native_transport_port: " + cqlPort,
                "start_native_transport: true",
                "auto_bootstrap: false",
                "data_file_directories:",
                "  - " + quote(dataDir.resolve("data").toString()),
                "commitlog_directory: " + quote(dataDir.resolve("commitlog").toString()),
                "saved_caches_directory: " + quote(dataDir.resolve("saved_caches").toString()),
                "hints_directory: " + quote(dataDir.resolve("hints").toString()),
                "cdc_raw_directory: " + quote(dataDir.resolve("cdc_raw").toString()),
                "");
    }

    /** WARN and above only: INFO would write megabytes per start, and the launcher checks readiness over CQL. */
    static String logbackXml(Path logFile) {
        return String.join("\n",
                "<configuration scan=\"false\">",
                "  <appender name=\"FILE\" class=\"ch.qos.logback.core.FileAppender\">",
                "    <file>" + xmlEscape(logFile.toString()) + "</file>",
                "    <append>true</append>",
                "    <encoder>",
                "      <pattern>%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n</pattern>",
                "    </encoder>",
                "  </appender>",
                "  <root level=\"WARN\">",
                "    <appender-ref ref=\"FILE\"/>",
                "  </root>",
                "</configuration>",
                "");
    }

    static void write(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    /** A single-quoted YAML scalar: paths may hold spaces, colons or '#'. */
    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("'", "&apos;");
    }
}
