package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rookery.node.RookeryNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * pekko-management's /ready follows what the node needs to serve: a node that cannot reach Cassandra is not ready,
 * and becomes ready again when Cassandra returns; /alive stays up meanwhile (a restart would not help).
 */
class HealthIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static int status(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static void awaitStatus(int port, String path, int expected, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int last = status(port, path);
        while (last != expected && System.nanoTime() < deadline) {
            Thread.sleep(250);
            last = status(port, path);
        }
        assertEquals(expected, last, path + " after waiting up to " + seconds + " s");
    }

    @Test
    void readinessFlipsToNotReadyWhenCassandraStopsAndBackWhenItReturns() throws Exception {
        try (RookeryNode node = ItEnvironment.startNode(Map.of("rookery.management.enabled", "on"))) {
            Properties ports = new Properties();
            try (InputStream in = Files.newInputStream(node.settings().dataDir().resolve("node.ports"))) {
                ports.load(in);
            }
            int management = Integer.parseInt(ports.getProperty("management"));

            awaitStatus(management, "/ready", 200, 30);
            assertEquals(200, status(management, "/alive"));

            ItEnvironment.stopCassandra();
            awaitStatus(management, "/ready", 500, 30);
            assertEquals(200, status(management, "/alive"), "liveness does not depend on Cassandra");

            ItEnvironment.cassandra();
            awaitStatus(management, "/ready", 200, 60);
        }
    }
}
