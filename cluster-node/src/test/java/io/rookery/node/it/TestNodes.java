package io.rookery.node.it;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.rookery.node.RookeryNode;
import io.rookery.persistence.cassandra.CassandraLauncher;
import io.rookery.protocol.tls.TlsContexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * What every integration test needs whatever its client library: one real Cassandra (a child JVM) for the whole
 * test JVM, nodes on loopback with free ports, fresh user names so tests never depend on each other, and trust in
 * the node's development certificate. Free of any client library, so tests of other clients (the interop module's
 * Smack 4.5, slixmpp) use it too; {@link ItEnvironment} adds Smack 4.4 connections.
 */
public final class TestNodes {
    public static final String PASSWORD = "correct horse battery staple";
    private static final AtomicInteger USERS = new AtomicInteger();
    private static final AtomicInteger NODES = new AtomicInteger();
    private static CassandraLauncher.Handle cassandra;

    private TestNodes() {}

    public static Path testDir() {
        return Path.of(System.getProperty("rookery.test.dir", "target/it")).toAbsolutePath();
    }

    /** The shared Cassandra, started on first use; after a stop it comes back on the same port, so running nodes
     * reconnect to it. */
    public static synchronized CassandraLauncher.Handle cassandra() throws Exception {
        if (cassandra == null || !cassandra.isAlive()) {
            cassandra = CassandraLauncher.start(CassandraLauncher.Options.builder(testDir().resolve("cassandra"))
                    .cqlPort(cqlPort).build());
            cqlPort = cassandra.cqlPort();
        }
        return cassandra;
    }

    private static int cqlPort = 0;

    /** Stops the shared Cassandra (a restart test starts it again on the same data). */
    public static synchronized void stopCassandra() {
        if (cassandra != null) cassandra.stop();
        cassandra = null;
    }

    public static Config nodeConfig(Path dataDir, Map<String, Object> overrides) throws Exception {
        CassandraLauncher.Handle c = cassandra();
        Map<String, Object> m = new HashMap<>();
        m.put("rookery.domain", "localhost");
        m.put("rookery.data-dir", dataDir.toString());
        m.put("rookery.c2s.starttls.interface", "127.0.0.1");
        m.put("rookery.c2s.starttls.port", 0);
        m.put("rookery.c2s.direct-tls.interface", "127.0.0.1");
        m.put("rookery.c2s.direct-tls.port", 0);
        m.put("rookery.s2s.starttls.interface", "127.0.0.1");
        m.put("rookery.s2s.starttls.port", 0);
        m.put("rookery.s2s.direct-tls.interface", "127.0.0.1");
        m.put("rookery.s2s.direct-tls.port", 0);
        m.put("rookery.admin.port", 0);
        m.put("rookery.metrics.port", 0);
        m.put("rookery.management.port", 0);
        m.put("rookery.http.plain.port", 0);
        m.put("rookery.http.tls.interface", "127.0.0.1");
        m.put("rookery.http.tls.port", 0);
        m.put("rookery.cassandra.embedded.enabled", false);
        m.put("rookery.cassandra.contact-points", java.util.List.of(c.host() + ":" + c.cqlPort()));
        m.put("pekko.remote.artery.canonical.port", 0);
        // Every message goes through its serializer, so a missing Kryo registration fails a test, not a cluster.
        m.put("pekko.actor.serialize-messages", "on");
        m.put("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
        m.put("pekko.coordinated-shutdown.terminate-actor-system", "on");
        // A one-node cluster's leave waits for the leader's next tick to move it to Exiting, and its singletons for
        // their next hand-over attempt (1 s each by default); the tests stop some sixty such nodes.
        m.put("pekko.cluster.leader-actions-interval", "200ms");
        m.put("pekko.cluster.singleton.hand-over-retry-interval", "200ms");
        m.put("pekko.cluster.sharding.coordinator-singleton.hand-over-retry-interval", "200ms");
        m.putAll(overrides);
        ConfigFactory.invalidateCaches();
        // load(config) resolves after merging, so settings derived from data-dir follow the override.
        return ConfigFactory.load(ConfigFactory.parseMap(m));
    }

    public static RookeryNode startNode(Map<String, Object> overrides) throws Exception {
        Path dir = testDir().resolve("node-" + NODES.incrementAndGet());
        Files.createDirectories(dir);
        return RookeryNode.start(nodeConfig(dir, overrides));
    }

    public static RookeryNode startNode(Path dataDir, Map<String, Object> overrides) throws Exception {
        return RookeryNode.start(nodeConfig(dataDir, overrides));
    }

    public static String freshUserName(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + USERS.incrementAndGet();
    }

    /** Creates an account through the node's account service (the admin API's back end). */
    public static String newUser(RookeryNode node, String prefix) throws Exception {
        String name = freshUserName(prefix);
        var status = node.accounts().create(node.accounts().jid(name), PASSWORD).toCompletableFuture()
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        if (status != io.rookery.node.user.UserEntity.AccountStatus.CREATED) {
            throw new IllegalStateException("could not create " + name + ": " + status);
        }
        return name;
    }

    public static SSLContext trustingContext(RookeryNode node) throws Exception {
        Path keystore = node.settings().dataDir().resolve("tls").resolve("dev-localhost.p12");
        return TlsContexts.clientContextTrusting(keystore, node.settings().tls().keystorePassword().toCharArray());
    }

    public static javax.net.ssl.X509TrustManager trustManager(RookeryNode node) throws Exception {
        return trustManager(node.settings().dataDir(), node.settings().tls().keystorePassword());
    }

    /** Trusts the development certificate a node generated in its data dir (nodes in child JVMs included). */
    public static javax.net.ssl.X509TrustManager trustManager(Path nodeDataDir, String keystorePassword) throws Exception {
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

    /** The shared Cassandra's CQL address as a contact point ({@code host:port}), starting it if needed. */
    public static String cqlContactPoint() throws Exception {
        CassandraLauncher.Handle c = cassandra();
        return c.host() + ":" + c.cqlPort();
    }

    /** Applies the versioned schema to a keyspace of its own (replication 1), as `rookery admin schema apply` does. */
    public static void applySchema(String keyspace) throws Exception {
        try (var session = cassandra().sessionBuilder().build()) {
            io.rookery.persistence.cassandra.CassandraSchema.apply(session, keyspace,
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}");
        }
    }

}
