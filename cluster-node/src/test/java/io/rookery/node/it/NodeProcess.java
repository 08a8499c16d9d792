package io.rookery.node.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;

/**
 * A Rookery node in a child JVM ({@code io.rookery.node.RookeryNode} on this JVM's class path), for tests with
 * several nodes and real crashes: {@link #terminate()} is SIGTERM (coordinated shutdown), {@link #kill()} SIGKILL.
 * Settings are {@code -D} system properties; the node's output goes to {@code <data-dir>/node.log} (appended across
 * restarts). The node tells its ports through {@code <data-dir>/node.ports}, which it writes last.
 *
 * <p>A JVM shutdown hook kills every node still running, so an aborted test run leaves no node behind (a test JVM
 * killed with SIGKILL still does; the nodes then hold their ports until killed by hand).
 */
final class NodeProcess implements AutoCloseable {
    static final String KEYSTORE_PASSWORD = "changeit";
    private static final Set<NodeProcess> RUNNING = ConcurrentHashMap.newKeySet();
    private static final Pattern MEMBER = Pattern.compile(
            "\\{\"address\":\"([^\"]+)\",\"status\":\"([^\"]+)\"}");
    private static final Pattern UNREACHABLE = Pattern.compile("\"unreachable\":\\[([^]]*)]");
    private static final Pattern LEADER = Pattern.compile("\"leader\":(?:\"([^\"]+)\"|null)");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (NodeProcess n : RUNNING) n.kill();
        }, "node-process-reaper"));
    }

    private final String name;
    private final Path dataDir;
    private final int clusterPort;
    private final Map<String, String> settings;
    private final List<String> jvmOptions;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private volatile Process process;
    private volatile Properties ports;
    private volatile String token;

    private NodeProcess(String name, Path dataDir, int clusterPort, Map<String, String> settings,
            List<String> jvmOptions) {
        this.name = name;
        this.dataDir = dataDir;
        this.clusterPort = clusterPort;
        this.settings = settings;
        this.jvmOptions = jvmOptions;
    }

    /**
     * A node of a test cluster: loopback only, free client and admin ports, the given cluster port, the given seed
     * ports (give every node the same list: the first seed forms the cluster, and a restarted first seed rejoins
     * through the others), an external Cassandra whose schema is already applied to {@code keyspace}, every message
     * through its serializer, and a short split-brain resolver delay. {@code overrides} win.
     */
    static NodeProcess clusterNode(String name, Path dataDir, int clusterPort, List<Integer> seedPorts,
            String cqlContactPoint, String keyspace, Map<String, String> overrides) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("rookery.domain", "localhost");
        s.put("rookery.data-dir", dataDir.toString());
        s.put("rookery.c2s.starttls.interface", "127.0.0.1");
        s.put("rookery.c2s.starttls.port", "0");
        s.put("rookery.c2s.direct-tls.interface", "127.0.0.1");
        s.put("rookery.c2s.direct-tls.port", "0");
        s.put("rookery.s2s.starttls.interface", "127.0.0.1");
        s.put("rookery.s2s.starttls.port", "0");
        s.put("rookery.s2s.direct-tls.interface", "127.0.0.1");
        s.put("rookery.s2s.direct-tls.port", "0");
        s.put("rookery.admin.port", "0");
        s.put("rookery.metrics.port", "0");
        s.put("rookery.http.enabled", "true");
        s.put("rookery.http.plain.port", "0");
        s.put("rookery.http.tls.interface", "127.0.0.1");
        s.put("rookery.http.tls.port", "0");
        s.put("rookery.cassandra.embedded.enabled", "off");
        s.put("rookery.cassandra.contact-points.0", cqlContactPoint);
        s.put("rookery.cassandra.keyspace", keyspace);
        s.put("rookery.cassandra.apply-schema", "off");
        s.put("pekko.remote.artery.canonical.hostname", "127.0.0.1");
        s.put("pekko.remote.artery.canonical.port", Integer.toString(clusterPort));
        for (int i = 0; i < seedPorts.size(); i++) {
            s.put("pekko.cluster.seed-nodes." + i, address(seedPorts.get(i)));
        }
        // Every message through its serializer: a missing Kryo registration fails the test, not a cluster.
        s.put("pekko.actor.serialize-messages", "on");
        s.put("pekko.cluster.split-brain-resolver.stable-after", "5s");
        s.putAll(overrides);
        // Small heaps; C1 only: on a 2-core box shared by three nodes, Cassandra and the test, C2 compiling costs
        // more than it saves in a test this short.
        List<String> jvm = List.of("-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:+ExitOnOutOfMemoryError");
        return new NodeProcess(name, dataDir, clusterPort, s, jvm);
    }

    static String address(int clusterPort) {
        return "pekko://rookery@127.0.0.1:" + clusterPort;
    }

    /** Free loopback TCP ports, distinct from each other (Artery runs over TCP). */
    static List<Integer> freePorts(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                s.setReuseAddress(true);
                held.add(s);
            }
            return held.stream().map(ServerSocket::getLocalPort).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // Only probing.
                }
            }
        }
    }

    String name() {
        return name;
    }

    Path dataDir() {
        return dataDir;
    }

    Path logFile() {
        return dataDir.resolve("node.log");
    }

    int clusterPort() {
        return clusterPort;
    }

    /** The node's cluster address, {@code pekko://rookery@127.0.0.1:<cluster port>}. */
    String address() {
        return address(clusterPort);
    }

    boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Launches the JVM and returns at once; {@link #awaitStarted(Duration)} waits for its ports. */
    synchronized NodeProcess start() {
        if (isAlive()) throw new IllegalStateException(name + " is already running");
        try {
            Files.createDirectories(dataDir);
            Files.deleteIfExists(dataDir.resolve("node.ports"));
            ports = null;
            token = null;
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add("io.rookery.node.RookeryNode");
            Files.writeString(logFile(), "==== " + Instant.now() + " " + name + " starting: "
                    + String.join(" ", command.subList(0, command.size() - 3)) + " -cp <test class path> "
                    + command.get(command.size() - 1) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(dataDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
            // The node must take its settings from the -D above, not from a developer's shell.
            pb.environment().keySet().removeIf(k -> k.startsWith("ROOKERY_"));
            process = pb.start();
            RUNNING.add(this);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits for {@code node.ports}; fails early when the JVM exits, with the end of its log. */
    NodeProcess awaitStarted(Duration timeout) throws InterruptedException {
        Path file = dataDir.resolve("node.ports");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            if (!isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " before it listened\n" + logTail(60));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " wrote no node.ports within " + timeout + "\n" + logTail(60));
            }
            Thread.sleep(100);
        }
        try {
            Properties p = new Properties();
            try (var in = Files.newInputStream(file)) {
                p.load(in);
            }
            ports = p;
            token = io.rookery.node.admin.AdminToken.read(dataDir.resolve("admin.token"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    int port(String key) {
        Properties p = ports;
        if (p == null) throw new IllegalStateException(name + " has not started");
        return Integer.parseInt(p.getProperty(key, "-1"));
    }

    int starttlsPort() {
        return port("c2s.starttls");
    }

    int directTlsPort() {
        return port("c2s.direct-tls");
    }

    int adminPort() {
        return port("admin");
    }

    /** The node's /metrics (Prometheus text format). */
    String scrape() throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port("metrics") + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    // ---- stopping --------------------------------------------------------------------------------------------------

    /** SIGTERM: the node runs its coordinated shutdown (leaves the cluster, hands off its shards) and exits. */
    void terminate() {
        Process p = process;
        if (p != null) p.destroy();
    }

    /** Waits for the JVM to exit; its exit code, or -1 when it is still running at the deadline. */
    int awaitExit(Duration timeout) throws InterruptedException {
        Process p = process;
        if (p == null) return 0;
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) return -1;
        RUNNING.remove(this);
        return p.exitValue();
    }

    /** SIGKILL, as a crash: no shutdown hook runs, nothing is handed off. Waits until the process is gone. */
    void kill() {
        Process p = process;
        if (p == null) return;
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(this);
    }

    /** SIGTERM, and SIGKILL if the node has not exited within {@code grace}. */
    void stop(Duration grace) {
        if (!isAlive()) return;
        terminate();
        try {
            if (awaitExit(grace) == -1) kill();
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(15));
    }

    // ---- admin API ---------------------------------------------------------------------------------------------

    /** {@code GET /cluster/members} of this node. */
    Members members() throws IOException, InterruptedException {
        return Members.parse(admin("GET", "/cluster/members", null).body());
    }

    /** Creates an account through this node's admin API (so through its sharding), with the IT password. */
    String newUser(String prefix) throws IOException, InterruptedException {
        String user = ItEnvironment.freshUserName(prefix);
        HttpResponse<String> r = admin("POST", "/users",
                "user=" + enc(user) + "&password=" + enc(ItEnvironment.PASSWORD));
        if (r.statusCode() != 201) {
            throw new IllegalStateException(name + " could not create " + user + ": HTTP " + r.statusCode() + " "
                    + r.body().strip());
        }
        return user;
    }

    HttpResponse<String> admin(String method, String path, String form) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
        if (form != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded")
                    .method(method, HttpRequest.BodyPublishers.ofString(form));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---- clients -----------------------------------------------------------------------------------------------

    /** A Smack connection over STARTTLS to this node, logged in with the IT password. */
    /** Trusts this node's certificate. */
    javax.net.ssl.X509TrustManager trustManager() throws Exception {
        return ItEnvironment.trustManager(dataDir, KEYSTORE_PASSWORD);
    }

    XMPPTCPConnection connect(String user, String resource, Consumer<XMPPTCPConnection> beforeLogin)
            throws Exception {
        return ItEnvironment.connectStartTls(starttlsPort(), ItEnvironment.trustManager(dataDir, KEYSTORE_PASSWORD),
                user, ItEnvironment.PASSWORD, resource, beforeLogin);
    }

    // ---- diagnosis -----------------------------------------------------------------------------------------------

    /** The last {@code lines} lines of the node's log, framed with its name. */
    String logTail(int lines) {
        List<String> all;
        try {
            all = Files.exists(logFile()) ? Files.readAllLines(logFile(), StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return "(cannot read " + logFile() + ": " + e + ")";
        }
        return "--- last " + Math.min(lines, all.size()) + " lines of " + logFile() + " ---\n"
                + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n--- end of "
                + name + " ---";
    }

    /** Log lines of the node that contain any of {@code needles} (at most {@code max} of them). */
    List<String> logLines(int max, String... needles) {
        try {
            if (!Files.exists(logFile())) return List.of();
            try (var lines = Files.lines(logFile(), StandardCharsets.UTF_8)) {
                return lines.filter(l -> {
                    for (String n : needles) if (l.contains(n)) return true;
                    return false;
                }).limit(max).collect(Collectors.toList());
            }
        } catch (IOException | UncheckedIOException e) {
            return List.of("(cannot read " + logFile() + ": " + e + ")");
        }
    }

    @Override
    public String toString() {
        return name + "[" + address() + (isAlive() ? ", pid " + pid() : ", down") + "]";
    }

    /** A node's view of the cluster, from {@code GET /cluster/members}. */
    record Members(String leader, Map<String, String> status, Set<String> unreachable) {
        static Members parse(String json) {
            Map<String, String> status = new LinkedHashMap<>();
            Matcher m = MEMBER.matcher(json);
            while (m.find()) status.put(m.group(1), m.group(2));
            Set<String> unreachable = new java.util.LinkedHashSet<>();
            Matcher u = UNREACHABLE.matcher(json);
            if (u.find()) {
                for (String part : u.group(1).split(",")) {
                    String a = part.strip();
                    if (a.length() > 2) unreachable.add(a.substring(1, a.length() - 1));
                }
            }
            Matcher l = LEADER.matcher(json);
            String leader = l.find() ? l.group(1) : null;
            return new Members(leader, status, unreachable);
        }

        boolean allUp(List<String> addresses) {
            if (!unreachable.isEmpty()) return false;
            for (String a : addresses) if (!"Up".equals(status.get(a))) return false;
            return status.size() == addresses.size();
        }

        boolean lists(String address) {
            return status.containsKey(address) || unreachable.contains(address);
        }
    }
}
