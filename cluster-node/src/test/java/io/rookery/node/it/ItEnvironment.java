package io.rookery.node.it;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.rookery.node.RookeryNode;
import io.rookery.persistence.cassandra.CassandraLauncher;
import io.rookery.protocol.tls.TlsContexts;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.SASLAuthentication;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;

/**
 * What the integration tests share: one real Cassandra (a child JVM) for the whole test JVM, nodes on loopback with
 * free ports, fresh user names so tests never depend on each other, and Smack connections trusting the node's
 * development certificate.
 */
final class ItEnvironment {
    static final String PASSWORD = "correct horse battery staple";
    private static final AtomicInteger USERS = new AtomicInteger();
    private static final AtomicInteger NODES = new AtomicInteger();
    private static CassandraLauncher.Handle cassandra;

    static {
        SASLAuthentication.registerSASLMechanism(new ScramSha256Mechanism());
    }

    private ItEnvironment() {}

    static Path testDir() {
        return Path.of(System.getProperty("rookery.test.dir", "target/it")).toAbsolutePath();
    }

    /** The shared Cassandra, started on first use; after a stop it comes back on the same port, so running nodes
     * reconnect to it. */
    static synchronized CassandraLauncher.Handle cassandra() throws Exception {
        if (cassandra == null || !cassandra.isAlive()) {
            cassandra = CassandraLauncher.start(CassandraLauncher.Options.builder(testDir().resolve("cassandra"))
                    .cqlPort(cqlPort).build());
            cqlPort = cassandra.cqlPort();
        }
        return cassandra;
    }

    private static int cqlPort = 0;

    /** Stops the shared Cassandra (a restart test starts it again on the same data). */
    static synchronized void stopCassandra() {
        if (cassandra != null) cassandra.stop();
        cassandra = null;
    }

    static Config nodeConfig(Path dataDir, Map<String, Object> overrides) throws Exception {
        CassandraLauncher.Handle c = cassandra();
        Map<String, Object> m = new HashMap<>();
        m.put("rookery.domain", "localhost");
        m.put("rookery.data-dir", dataDir.toString());
        m.put("rookery.c2s.starttls.interface", "127.0.0.1");
        m.put("rookery.c2s.starttls.port", 0);
        m.put("rookery.c2s.direct-tls.interface", "127.0.0.1");
        m.put("rookery.c2s.direct-tls.port", 0);
        m.put("rookery.admin.port", 0);
        m.put("rookery.metrics.port", 0);
        m.put("rookery.management.port", 0);
        m.put("rookery.cassandra.embedded.enabled", false);
        m.put("rookery.cassandra.contact-points", java.util.List.of(c.host() + ":" + c.cqlPort()));
        m.put("pekko.remote.artery.canonical.port", 0);
        // Every message goes through its serializer, so a missing Kryo registration fails a test, not a cluster.
        m.put("pekko.actor.serialize-messages", "on");
        m.put("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
        m.put("pekko.coordinated-shutdown.terminate-actor-system", "on");
        m.putAll(overrides);
        ConfigFactory.invalidateCaches();
        // load(config) resolves after merging, so settings derived from data-dir follow the override.
        return ConfigFactory.load(ConfigFactory.parseMap(m));
    }

    static RookeryNode startNode(Map<String, Object> overrides) throws Exception {
        Path dir = testDir().resolve("node-" + NODES.incrementAndGet());
        Files.createDirectories(dir);
        return RookeryNode.start(nodeConfig(dir, overrides));
    }

    static RookeryNode startNode(Path dataDir, Map<String, Object> overrides) throws Exception {
        return RookeryNode.start(nodeConfig(dataDir, overrides));
    }

    static String freshUserName(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + USERS.incrementAndGet();
    }

    /** Creates an account through the node's account service (the admin API's back end). */
    static String newUser(RookeryNode node, String prefix) throws Exception {
        String name = freshUserName(prefix);
        var status = node.accounts().create(node.accounts().jid(name), PASSWORD).toCompletableFuture()
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        if (status != io.rookery.node.user.UserEntity.AccountStatus.CREATED) {
            throw new IllegalStateException("could not create " + name + ": " + status);
        }
        return name;
    }

    static SSLContext trustingContext(RookeryNode node) throws Exception {
        Path keystore = node.settings().dataDir().resolve("tls").resolve("dev-localhost.p12");
        return TlsContexts.clientContextTrusting(keystore, node.settings().tls().keystorePassword().toCharArray());
    }

    static javax.net.ssl.X509TrustManager trustManager(RookeryNode node) throws Exception {
        return trustManager(node.settings().dataDir(), node.settings().tls().keystorePassword());
    }

    /** Trusts the development certificate a node generated in its data dir (nodes in child JVMs included). */
    static javax.net.ssl.X509TrustManager trustManager(Path nodeDataDir, String keystorePassword) throws Exception {
        Path keystore = nodeDataDir.resolve("tls").resolve("dev-localhost.p12");
        java.security.KeyStore source = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            source.load(in, keystorePassword.toCharArray());
        }
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("rookery", source.getCertificate("rookery"));
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        return (javax.net.ssl.X509TrustManager) tmf.getTrustManagers()[0];
    }

    /** A Smack connection over STARTTLS, SCRAM-SHA-256 only. */
    static XMPPTCPConnection connectStartTls(RookeryNode node, String user, String password, String resource)
            throws Exception {
        XMPPTCPConnectionConfiguration.Builder b = base(node, user, password, resource)
                .setPort(node.starttlsPort())
                .setSecurityMode(ConnectionConfiguration.SecurityMode.required)
                .setCustomX509TrustManager(trustManager(node));
        return open(b);
    }

    /**
     * Like {@link #connectStartTls(RookeryNode, String, String, String)}, but runs {@code beforeLogin} on the
     * connection before it connects: listeners added there see what the server sends right after login (stored
     * subscription requests, offline messages), and roster settings apply from the first roster get.
     */
    static XMPPTCPConnection connectStartTls(RookeryNode node, String user, String password, String resource,
            java.util.function.Consumer<XMPPTCPConnection> beforeLogin) throws Exception {
        XMPPTCPConnectionConfiguration.Builder b = base(node, user, password, resource)
                .setPort(node.starttlsPort())
                .setSecurityMode(ConnectionConfiguration.SecurityMode.required)
                .setCustomX509TrustManager(trustManager(node));
        return open(b, beforeLogin);
    }

    /**
     * A Smack connection over STARTTLS to a node known only by its port and trust (a node in a child JVM), with
     * {@code beforeLogin} run before it connects.
     */
    static XMPPTCPConnection connectStartTls(int port, javax.net.ssl.X509TrustManager trust, String user,
            String password, String resource, java.util.function.Consumer<XMPPTCPConnection> beforeLogin)
            throws Exception {
        XMPPTCPConnectionConfiguration.Builder b = base(null, user, password, resource)
                .setPort(port)
                .setSecurityMode(ConnectionConfiguration.SecurityMode.required)
                .setCustomX509TrustManager(trust);
        return open(b, beforeLogin);
    }

    /** The shared Cassandra's CQL address as a contact point ({@code host:port}), starting it if needed. */
    static String cqlContactPoint() throws Exception {
        CassandraLauncher.Handle c = cassandra();
        return c.host() + ":" + c.cqlPort();
    }

    /** Applies the versioned schema to a keyspace of its own (replication 1), as `rookery admin schema apply` does. */
    static void applySchema(String keyspace) throws Exception {
        try (var session = cassandra().sessionBuilder().build()) {
            io.rookery.persistence.cassandra.CassandraSchema.apply(session, keyspace,
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}");
        }
    }

    /** A Smack connection over XEP-0368 direct TLS (TLS from the first byte), SCRAM-SHA-256 only. */
    static XMPPTCPConnection connectDirectTls(RookeryNode node, String user, String password, String resource)
            throws Exception {
        XMPPTCPConnectionConfiguration.Builder b = base(node, user, password, resource)
                .setPort(node.directTlsPort())
                .setSocketFactory(trustingContext(node).getSocketFactory())
                .setSecurityMode(ConnectionConfiguration.SecurityMode.disabled);
        return open(b);
    }

    /** Smack's default 5 s reply timeout is short for a 2-core machine also running Cassandra. */
    static final long REPLY_TIMEOUT_MS = 20_000;

    private static XMPPTCPConnection open(XMPPTCPConnectionConfiguration.Builder b) throws Exception {
        return open(b, c -> { });
    }

    private static XMPPTCPConnection open(XMPPTCPConnectionConfiguration.Builder b,
            java.util.function.Consumer<XMPPTCPConnection> beforeLogin) throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(b.build());
        c.setReplyTimeout(REPLY_TIMEOUT_MS);
        beforeLogin.accept(c);
        c.connect();
        c.login();
        return c;
    }

    private static XMPPTCPConnectionConfiguration.Builder base(RookeryNode node, String user, String password,
            String resource) throws Exception {
        XMPPTCPConnectionConfiguration.Builder b = XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain("localhost")
                .setHostAddress(InetAddress.getLoopbackAddress())
                .setUsernameAndPassword(user, password)
                .addEnabledSaslMechanism(ScramSha256Mechanism.NAME)
                .setConnectTimeout(15_000)
                .setSendPresence(true);
        if (resource != null) b.setResource(resource);
        return b;
    }

    /** The next presence from that bare JID in the queue, or null after waiting {@code seconds}. */
    static org.jivesoftware.smack.packet.Presence awaitPresenceFrom(
            java.util.concurrent.BlockingQueue<org.jivesoftware.smack.packet.Presence> q, org.jxmpp.jid.BareJid from,
            long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            var p = q.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (p != null && p.getFrom() != null && from.equals(p.getFrom().asBareJid())) return p;
        }
        return null;
    }

    /** That JID once it appears in the queue, or null after waiting {@code seconds}. */
    static org.jxmpp.jid.Jid awaitJid(java.util.concurrent.BlockingQueue<org.jxmpp.jid.Jid> q, org.jxmpp.jid.Jid wanted,
            long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            var j = q.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (j != null && wanted.equals(j)) return j;
        }
        return null;
    }
}
