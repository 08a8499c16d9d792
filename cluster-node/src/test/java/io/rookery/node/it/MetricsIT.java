package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/** The Prometheus endpoint of a node under real traffic: the operator's figures are there and they move. */
class MetricsIT {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)$",
            Pattern.MULTILINE);
    private static RookeryNode node;
    private static int metricsPort;

    @BeforeAll
    static void start() throws Exception {
        node = ItEnvironment.startNode(Map.of());
        Properties ports = new Properties();
        try (InputStream in = Files.newInputStream(node.settings().dataDir().resolve("node.ports"))) {
            ports.load(in);
        }
        metricsPort = Integer.parseInt(ports.getProperty("metrics"));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    /** Every sample of the text exposition, by its name with labels as printed. */
    private static Map<String, Double> scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        Map<String, Double> samples = new HashMap<>();
        Matcher m = SAMPLE.matcher(r.body());
        while (m.find()) samples.put(m.group(1), Double.parseDouble(m.group(2)));
        return samples;
    }

    private static double value(Map<String, Double> samples, String name) {
        return samples.getOrDefault(name, 0.0);
    }

    @Test
    void theEndpointShowsSessionsStanzasRoutingPersistenceClusterAndJvmFiguresThatChangeWithTraffic()
            throws Exception {
        Map<String, Double> before = scrape();
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        String carol = ItEnvironment.newUser(node, "carol");
        // Carol is offline: a message to her goes to storage.
        XMPPTCPConnection a = ItEnvironment.connectStartTls(node, alice, ItEnvironment.PASSWORD, "desk");
        XMPPTCPConnection b = ItEnvironment.connectStartTls(node, bob, ItEnvironment.PASSWORD, "desk");
        try {
            BlockingQueue<Message> got = new LinkedBlockingQueue<>();
            b.addAsyncStanzaListener(s -> got.add((Message) s), s -> s instanceof Message);
            for (int i = 0; i < 5; i++) {
                a.sendStanza(MessageBuilder.buildMessage("m" + i).to(b.getUser()).ofType(Message.Type.chat)
                        .setBody("hello " + i).build());
            }
            for (int i = 0; i < 5; i++) assertTrue(got.poll(20, TimeUnit.SECONDS) != null, "message " + i);
            a.sendStanza(MessageBuilder.buildMessage("off").to(JidCreate.entityBareFrom(carol + "@localhost"))
                    .ofType(Message.Type.chat).setBody("later").build());
            provokeHostUnknown();

            Map<String, Double> during = waitFor(s -> value(s, "xmpp_offline_messages_stored_total")
                    > value(before, "xmpp_offline_messages_stored_total")
                    && value(s, "xmpp_stream_errors_total{condition=\"host-unknown\"}")
                    > value(before, "xmpp_stream_errors_total{condition=\"host-unknown\"}")
                    // the shard gauges are read at most once a second, so they may trail the counters by a scrape; and
                    // a scrape may straddle the second at which they are read again, taking rookery_shards from the
                    // older reading and rookery_user_entities from the newer (seen once in CI: entities 3, shards 0)
                    && value(s, "rookery_user_entities") >= 3 && value(s, "rookery_shards") >= 1);

            assertTrue(value(during, "xmpp_c2s_sessions{listener=\"starttls\"}") >= 2, during::toString);
            assertTrue(value(during, "xmpp_c2s_connections{listener=\"starttls\"}") >= 2);
            assertTrue(value(during, "xmpp_stanzas_in_total{kind=\"message\"}")
                    >= value(before, "xmpp_stanzas_in_total{kind=\"message\"}") + 6);
            assertTrue(value(during, "xmpp_stanzas_out_total{kind=\"message\"}")
                    >= value(before, "xmpp_stanzas_out_total{kind=\"message\"}") + 5);
            assertTrue(value(during, "xmpp_routing_latency_seconds_count")
                    >= value(before, "xmpp_routing_latency_seconds_count") + 5);
            assertTrue(value(during, "xmpp_sasl_auth_total{mechanism=\"SCRAM-SHA-256\",outcome=\"success\"}")
                    >= value(before, "xmpp_sasl_auth_total{mechanism=\"SCRAM-SHA-256\",outcome=\"success\"}") + 2);
            assertTrue(value(during, "xmpp_c2s_tls_handshakes_total{outcome=\"success\"}")
                    >= value(before, "xmpp_c2s_tls_handshakes_total{outcome=\"success\"}") + 2);
            assertTrue(value(during, "xmpp_offline_queue_size_count") >= 1);
            assertTrue(value(during, "rookery_persistence_write_seconds_count")
                    > value(before, "rookery_persistence_write_seconds_count"));
            // Seen failing once (after ModulesIT and ComponentIT in one JVM; not reproduced): the figures say more
            // next time.
            assertTrue(value(during, "rookery_persistence_recovery_seconds_count")
                    > value(before, "rookery_persistence_recovery_seconds_count"), () -> "recoveries before "
                    + value(before, "rookery_persistence_recovery_seconds_count") + ", during "
                    + value(during, "rookery_persistence_recovery_seconds_count") + "; entities "
                    + value(before, "rookery_user_entities") + " then " + value(during, "rookery_user_entities"));
            assertEquals(1.0, value(during, "rookery_cluster_members{status=\"Up\"}"));
            assertEquals(0.0, value(during, "rookery_cluster_unreachable_members"));
            assertTrue(value(during, "rookery_user_entities") >= 3, during::toString);
            assertTrue(value(during, "rookery_shards") >= 1);
            assertTrue(during.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")));
            assertTrue(during.keySet().stream().noneMatch(k -> k.contains(alice) || k.contains("@")),
                    "no JID appears in a label");
        } finally {
            a.disconnect();
            b.disconnect();
        }
        Map<String, Double> after = waitFor(s -> value(s, "xmpp_c2s_sessions{listener=\"starttls\"}")
                <= value(before, "xmpp_c2s_sessions{listener=\"starttls\"}"));
        assertEquals(value(before, "xmpp_c2s_sessions{listener=\"starttls\"}"),
                value(after, "xmpp_c2s_sessions{listener=\"starttls\"}"), "sessions end when clients leave");
    }

    private static Map<String, Double> waitFor(java.util.function.Predicate<Map<String, Double>> condition)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<String, Double> s = scrape();
        while (!condition.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            s = scrape();
        }
        assertTrue(condition.test(s), s::toString);
        return s;
    }

    /** RFC 6120 §4.9.3.6: a stream to a domain the node does not serve ends with host-unknown. */
    private static void provokeHostUnknown() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", node.starttlsPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("<?xml version='1.0'?><stream:stream to='elsewhere.example' version='1.0' "
                    + "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.contains("host-unknown"), answer);
        }
    }
}
