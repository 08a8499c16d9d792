package io.rookery.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rookery.node.RookeryNode;
import io.rookery.node.it.TestNodes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web client converse.js 14 (npm) in Debian's chromium, headless, driven by playwright-core
 * ({@code converse_driver.js}), against a node on real Cassandra over XMPP over WebSocket (RFC 7395) and, in a
 * second run, over BOSH (XEP-0206), both on its plain HTTP listener: converse logs in with SASL, chats both ways with a Smack 4.5 client on TCP, and sends a file through
 * its upload button (XEP-0363: a slot from upload.localhost, a cross-origin PUT to the node's HTTPS listener, the GET
 * URL sent as the body), which the Smack user downloads byte for byte. The page and converse's dist files are
 * served by a JDK HttpServer on loopback; screenshots go to {@code target/it/converse/} and
 * {@code target/it/converse-bosh/}.
 *
 * <p>Every wait has a deadline (the driver's own, its watchdog, and this test's); the driver and its chromium are
 * killed in {@code finally} whatever happened.
 */
class ConverseIT {
    private static final String NODE_JS = "/usr/bin/node";
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final long WAIT_S = 30;
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript", "css", "text/css", "json", "application/json", "wasm", "application/wasm",
            "svg", "image/svg+xml", "png", "image/png", "woff2", "font/woff2", "woff", "font/woff", "ttf", "font/ttf");

    /**
     * converse's OMEMO plugins, on as in converse's defaults unless {@code -Drookery.converse.omemo=false}: on login
     * they publish an OMEMO 2 bundle ({@code urn:xmpp:omemo:2:bundles}, 100 {@code <pk/>} children) and the legacy
     * one, and the node must answer every one of those IQs (it once stopped the user's entity on the OMEMO 2 bundle,
     * which StoredXml could not read back, and four IQs went unanswered).
     */
    private static final boolean OMEMO = !"false".equals(System.getProperty("rookery.converse.omemo"));

    private static RookeryNode node;
    private static Path js;

    @BeforeAll
    static void start() throws Exception {
        js = Path.of(System.getProperty("rookery.interop.js.dir", "src/test/js")).toAbsolutePath();
        for (String tool : List.of(NODE_JS, CHROMIUM)) {
            assertTrue(Files.isExecutable(Path.of(tool)), tool + " is needed (bin/rookery test installs it from Debian)");
        }
        for (String module : List.of("converse.js/dist/converse.min.js", "playwright-core/package.json")) {
            assertTrue(Files.isRegularFile(js.resolve("node_modules").resolve(module)),
                    () -> module + " is needed in " + js + "/node_modules (bin/rookery test runs npm ci there)");
        }
        node = TestNodes.startNode(Map.of("rookery.http.enabled", true, "rookery.modules.upload.enabled", true));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @Test
    void converseLogsInOverWebSocketChatsBothWaysWithSmackAndUploadsAFile() throws Exception {
        converse("ws", "ws://127.0.0.1:" + node.httpPlainPort() + "/xmpp-websocket", "converse");
    }

    @Test
    void converseLogsInOverBoshChatsBothWaysWithSmackAndUploadsAFile() throws Exception {
        converse("bosh", "http://127.0.0.1:" + node.httpPlainPort() + "/http-bind", "converse-bosh");
    }

    /** One run of the driver with converse connected at that endpoint, given in the page's fragment as that key. */
    private void converse(String key, String endpoint, String outName) throws Exception {
        long started = System.nanoTime();
        String web = TestNodes.newUser(node, "cvweb") + "@localhost";
        String tcp = TestNodes.newUser(node, "cvtcp");
        String tcpJid = tcp + "@localhost";
        String toSmack = "hello from converse " + UUID.randomUUID();
        String fromSmack = "hello from smack " + UUID.randomUUID();
        Path out = Files.createDirectories(TestNodes.testDir().resolve(outName));
        try (Stream<Path> old = Files.list(out)) {
            for (Path p : old.toList()) Files.deleteIfExists(p);
        }
        Path run = Files.createTempDirectory(TestNodes.testDir(), "converse-run");
        Path page = copyResource("index.html", run);
        Path driver = copyResource("converse_driver.js", run);

        BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
        AbstractXMPPConnection smack = Smack45Clients.login(Smack45Clients.Kind.TCP, node, tcp, TestNodes.PASSWORD);
        HttpServer server = null;
        Process p = null;
        List<String> printed = new ArrayList<>();
        try {
            server = serve(page, js.resolve("node_modules/converse.js/dist"));
            smack.addAsyncStanzaListener(s -> inbox.add((Message) s), s -> s instanceof Message m && m.getBody() != null);
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/#" + key + "=" + enc(endpoint) + "&jid="
                    + enc(web) + "&password=" + enc(TestNodes.PASSWORD) + (OMEMO ? "&omemo=1" : "");
            ProcessBuilder pb = new ProcessBuilder(NODE_JS, driver.toString(), url, tcpJid, toSmack, fromSmack,
                    out.toString()).redirectErrorStream(true);
            pb.environment().put("NODE_PATH", js.resolve("node_modules").toString());
            p = pb.start();
            Thread reader = readLines(p.getInputStream(), printed, out.resolve("driver-output.txt"));

            // converse -> Smack: from converse's full JID (the resource the node bound for its session).
            Message first = inbox.poll(WAIT_S, TimeUnit.SECONDS);
            assertNotNull(first, () -> "smack gets converse's message; the driver printed:\n" + joined(printed));
            assertEquals(toSmack, first.getBody());
            assertEquals(web, first.getFrom().asBareJid().toString());
            String resource = first.getFrom().getResourceOrEmpty().toString();
            assertTrue(!resource.isEmpty(), () -> "from a full JID: " + first.getFrom());
            assertTrue(joined(printed).contains("step connected ok jid=" + web + "/" + resource + " service="
                    + endpoint), () -> "converse is connected at " + endpoint + ":\n" + joined(printed));

            // converse answers service discovery at that full JID (XEP-0030 through the node to the WebSocket).
            ServiceDiscoveryManager disco = ServiceDiscoveryManager.getInstanceFor(smack);
            var info = disco.discoverInfo(first.getFrom());
            assertTrue(info.getIdentities().stream().anyMatch(i -> "client".equals(i.getCategory()))
                    && info.containsFeature("http://jabber.org/protocol/chatstates"), () -> "converse's: " + info.toXML());

            // Smack -> converse: the driver waits for the text in the open chat.
            smack.sendStanza(smack.getStanzaFactory().buildMessageStanza().to(first.getFrom())
                    .ofType(Message.Type.chat).setBody(fromSmack).build());

            // The upload: converse sends the GET URL it got in the slot as the body.
            Message link = inbox.poll(WAIT_S, TimeUnit.SECONDS);
            assertNotNull(link, () -> "smack gets converse's upload link; the driver printed:\n" + joined(printed));
            String got = link.getBody();
            assertTrue(got.startsWith("https://localhost:" + node.httpTlsPort() + "/upload/") && got.endsWith(".png"),
                    got);
            assertEquals(web, link.getFrom().asBareJid().toString());
            var oob = link.getExtensionElement("x", "jabber:x:oob");
            assertNotNull(oob, () -> "XEP-0066 out-of-band data beside the body: " + link.toXML());
            assertTrue(oob.toXML().toString().contains("<url>" + got + "</url>"), () -> oob.toXML().toString());

            assertTrue(p.waitFor(WAIT_S, TimeUnit.SECONDS), () -> "the driver ends:\n" + joined(printed));
            reader.join(TimeUnit.SECONDS.toMillis(5));
            assertEquals(0, p.exitValue(), () -> "the driver:\n" + joined(printed));
            String all = joined(printed);
            for (String step : List.of("browser", "connected", "chat-open", "sent", "received", "file-chosen",
                    "uploaded", "iqs-answered", "logged-out")) {
                assertTrue(all.contains("step " + step + " ok"), () -> step + ":\n" + all);
            }
            assertTrue(all.contains("step uploaded ok " + got + " "), () -> "converse shows the image it sent:\n" + all);

            // The logout (unavailable presence and <close/>) ended the session, none kept for a XEP-0198 resumption:
            // an IQ to converse's full JID now gets service-unavailable (RFC 6121 §8.5.3.2.3).
            XMPPException.XMPPErrorException gone = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> disco.discoverInfo(first.getFrom()), "no session left for converse's resource");
            assertEquals(StanzaError.Condition.service_unavailable, gone.getStanzaError().getCondition());

            HttpClient http = HttpClient.newBuilder().sslContext(TestNodes.trustingContext(node))
                    .connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(URI.create(got))
                    .timeout(Duration.ofSeconds(WAIT_S)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, download.statusCode());
            Path uploaded = out.resolve("converse-chat.png");
            assertArrayEquals(Files.readAllBytes(uploaded), download.body(), "the bytes of the file converse sent");

            for (String png : List.of("converse-chat.png", "converse-upload.png")) {
                assertTrue(all.contains("screenshot " + out.resolve(png)), () -> png + ":\n" + all);
                System.out.println("converse screenshot: " + out.resolve(png));
            }
            System.out.printf("converse-it took %d ms (node started before)%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } finally {
            if (p != null) kill(p);
            if (server != null) server.stop(0);
            Smack45Clients.close(smack);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String joined(List<String> lines) {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    private static Path copyResource(String name, Path dir) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = ConverseIT.class.getResourceAsStream("/converse/" + name)) {
            assertNotNull(in, name);
            Files.copy(in, target);
        }
        return target;
    }

    /** Collects the driver's output lines (echoed to the test's output and to a file) until it closes. */
    private static Thread readLines(InputStream in, List<String> lines, Path copy) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                    var w = Files.newBufferedWriter(copy)) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    System.out.println("converse-driver: " + line);
                    w.write(line);
                    w.newLine();
                    w.flush();
                }
            } catch (IOException e) {
                synchronized (lines) {
                    lines.add("(reading the driver's output failed: " + e + ")");
                }
            }
        }, "converse-driver-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The driver and everything it started (chromium's processes), children first; bounded. */
    private static void kill(Process p) throws InterruptedException {
        List<ProcessHandle> tree = p.descendants().toList();
        tree.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.out.println("converse-it: process " + h.pid() + " still there after SIGKILL");
            }
        }
    }

    /** The test page at / and converse's dist folder at /dist/ (and at /), on loopback. */
    private static HttpServer serve(Path page, Path dist) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/") || path.equals("/index.html")) {
                send(exchange, 200, page);
                return;
            }
            // converse names its assets under assets_path (/dist/), and a few relative to the page (the OMEMO
            // library's curve25519_compiled.wasm): both from the dist folder.
            String relative = path.startsWith("/dist/") ? path.substring("/dist/".length()) : path.substring(1);
            Path file = dist.resolve(relative).normalize();
            boolean found = file.startsWith(dist) && Files.isRegularFile(file);
            if (!found) System.out.println("converse-page-server: 404 " + path);
            send(exchange, found ? 200 : 404, file);
        });
        server.start();
        return server;
    }

    private static void send(HttpExchange exchange, int status, Path file) throws IOException {
        try (exchange) {
            if (status != 200) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            String name = file.getFileName().toString();
            String ext = name.substring(name.lastIndexOf('.') + 1);
            exchange.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"));
            exchange.sendResponseHeaders(200, Files.size(file));
            try (OutputStream body = exchange.getResponseBody()) {
                Files.copy(file, body);
            }
        }
    }
}
