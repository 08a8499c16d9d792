package io.rookery.node.it;

import io.rookery.node.RookeryNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One sample of a node's /metrics, by its name with labels as printed (Prometheus text format). */
final class NodeScrape {
    /**
     * One client for every scrape, so that its keep-alive connection is reused. A client per scrape left its
     * connection open until the node's metrics idle-timeout (20 s) or a GC closed it; past rookery.metrics'
     * max-connections (32) a further scrape waited for one of them to go, and a test scraping in a loop
     * (SlowConsumerIT, every ten messages) spent minutes waiting.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private NodeScrape() {}

    static double sample(RookeryNode node, String nameWithLabels) throws Exception {
        Properties ports = new Properties();
        try (InputStream in = Files.newInputStream(node.settings().dataDir().resolve("node.ports"))) {
            ports.load(in);
        }
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + ports.getProperty("metrics") + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("^" + Pattern.quote(nameWithLabels) + " (\\S+)$", Pattern.MULTILINE)
                .matcher(r.body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }
}
