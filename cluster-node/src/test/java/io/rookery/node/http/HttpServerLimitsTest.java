package io.rookery.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.rookery.node.admin.AdminServer;
import io.rookery.node.config.RookerySettings;
import io.rookery.node.config.RookerySettings.HttpLimits;
import io.rookery.node.metrics.MetricsServer;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.user.AccountService;
import io.rookery.node.user.SingleNode;
import io.rookery.node.user.UserEntity;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The metrics and admin HTTP servers stay available while clients hold half-sent requests open, close those after
 * their idle timeout, and refuse (503, counted, logged) what they cannot answer in time. Deadlines are generous and
 * bound waiting only; nothing here asserts speed.
 */
class HttpServerLimitsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    /** Short, so the test sees stalled connections closed well before the defaults (20 s, 60 s) would. */
    private static final Duration IDLE = Duration.ofSeconds(1);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static SingleNode node;

    @BeforeAll
    static void start() {
        node = SingleNode.start();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void metricsAreServedWhileTenRequestsStallAndTheStalledConnectionsAreClosed() throws Exception {
        try (MetricsServer server = MetricsServer.start(new NodeMetrics(), node.testKit.system(), UserEntity.TYPE_KEY,
                metricsSettings(2, new HttpLimits(IDLE, Duration.ofSeconds(5), 32)))) {
            List<Socket> stalled = stall(server.port(), 10);
            try {
                HttpResponse<String> r = get(server.port(), "/metrics", null);

                assertEquals(200, r.statusCode());
                assertTrue(r.body().contains("xmpp_c2s_connections"), r.body());
                for (Socket s : stalled) assertTrue(closedByServer(s), "a stalled connection is closed");
            } finally {
                for (Socket s : stalled) s.close();
            }
        }
    }

    @Test
    void scrapesComeInTheFormatAndEncodingTheScraperAsksFor() throws Exception {
        try (MetricsServer server = MetricsServer.start(new NodeMetrics(), node.testKit.system(), UserEntity.TYPE_KEY,
                metricsSettings(2, new HttpLimits(IDLE, Duration.ofSeconds(5), 32)))) {
            HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).timeout(DEADLINE)
                    .header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
                    .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());

            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"),
                    r.headers().toString());
            assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElse(""));
            String body = new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(r.body()))
                    .readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(body.endsWith("# EOF\n"), "an OpenMetrics exposition ends so");
            assertEquals(404, get(server.port(), "/other", null).statusCode());
        }
    }

    @Test
    void theAdminApiAnswersWhileTenRequestsStallAndTheStalledConnectionsAreClosed() throws Exception {
        AccountService accounts = new AccountService(node.testKit.system(), node.router, null, 4096);
        RookerySettings.AdminSettings settings = new RookerySettings.AdminSettings("127.0.0.1", 0,
                Path.of("unused"), new HttpLimits(IDLE, Duration.ofSeconds(5), 16));
        ServerBinding binding = AdminServer.start(node.testKit.system(), settings, new NodeMetrics(), accounts, "t0k")
                .toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        int port = binding.localAddress().getPort();
        List<Socket> stalled = stall(port, 10);
        try {
            HttpResponse<String> r = get(port, "/cluster/members", "Bearer t0k");

            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("\"members\""), r.body());
            for (Socket s : stalled) assertTrue(closedByServer(s), "a stalled connection is closed");
        } finally {
            for (Socket s : stalled) s.close();
            binding.unbind().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void scrapesThatOutliveTheRequestTimeoutOrFindNoWorkerAreRefusedCountedAndLogged() throws Exception {
        NodeMetrics metrics = new NodeMetrics();
        CountDownLatch release = new CountDownLatch(1);
        // A collector that hangs, as a scrape does when something it reads never answers.
        metrics.gauge("rookery_test_hanging", "hangs until released", null, cb -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            cb.call(1);
        });
        ListAppender<ILoggingEvent> logs = capture();
        // One worker, and room for two waiting scrapes.
        try (MetricsServer server = MetricsServer.start(metrics, node.testKit.system(), UserEntity.TYPE_KEY,
                metricsSettings(1, new HttpLimits(Duration.ofSeconds(20), Duration.ofSeconds(1), 2)))) {
            // The first hangs on the worker; the next two wait behind it. All three outlive the request timeout.
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            for (int i = 0; i < 3; i++) waiting.add(getAsync(server.port(), "/metrics"));
            for (var w : waiting) assertEquals(503, w.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).statusCode());
            assertEquals(3.0, refused(metrics, "metrics", HttpGuard.TIMEOUT));

            // The queue still holds the two expired scrapes behind the hung one: no room for another.
            HttpResponse<String> busy = get(server.port(), "/metrics", null);
            assertEquals(503, busy.statusCode());
            assertEquals(1.0, refused(metrics, "metrics", HttpGuard.BUSY));
            assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage()
                    .startsWith("http-request-refused server=metrics reason=timeout method=GET path=/metrics")),
                    logs.list::toString);
        } finally {
            release.countDown();
            ((Logger) LoggerFactory.getLogger(HttpGuard.class)).detachAppender(logs);
        }
    }

    private static RookerySettings.MetricsSettings metricsSettings(int workers, HttpLimits limits) {
        return new RookerySettings.MetricsSettings(true, "127.0.0.1", 0, limits, workers);
    }

    /** Opens n connections and sends each an unfinished request: half a request line, or headers without their end. */
    private static List<Socket> stall(int port, int n) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            sockets.add(s);
            OutputStream out = s.getOutputStream();
            String unfinished = i % 2 == 0 ? "GET /metr"
                    : "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n";
            out.write(unfinished.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        return sockets;
    }

    /** Whether the server closes the connection (end of stream or reset) before the deadline. */
    private static boolean closedByServer(Socket s) throws IOException {
        s.setSoTimeout((int) DEADLINE.toMillis());
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static HttpResponse<String> get(int port, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(DEADLINE);
        if (authorization != null) b.header("Authorization", authorization);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> getAsync(int port, String path) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(DEADLINE)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(HttpGuard.class)).addAppender(appender);
        return appender;
    }

    private static double refused(NodeMetrics metrics, String server, String reason) {
        // Only this counter: a full scrape would run the hanging collector on the test's thread.
        for (MetricSnapshot s : metrics.registry().scrape("rookery_http_requests_refused"::equals)) {
            if (s instanceof CounterSnapshot c) {
                for (var p : c.getDataPoints()) {
                    if (server.equals(p.getLabels().get("server")) && reason.equals(p.getLabels().get("reason"))) {
                        return p.getValue();
                    }
                }
            }
        }
        return 0;
    }
}
