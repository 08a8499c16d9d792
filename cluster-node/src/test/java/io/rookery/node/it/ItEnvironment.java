package io.rookery.node.it;

import com.typesafe.config.Config;
import io.rookery.node.RookeryNode;
import io.rookery.persistence.cassandra.CassandraLauncher;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.SASLAuthentication;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;

/**
 * What the Smack 4.4 integration tests share: {@link TestNodes} (Cassandra, nodes, users, trust) and Smack
 * connections trusting the node's development certificate.
 */
final class ItEnvironment {
    static final String PASSWORD = TestNodes.PASSWORD;

    static {
        // COMPAT Smack 4.4: its parser of elements it has no provider for asserts that a namespace prefix is never
        // empty, which the StAX parser it runs on here breaks for every default namespace; with the assertions the
        // test JVM switches on, its reader thread dies on the first such element (a MUC join error echoes the
        // client's own <x xmlns='…muc'/>, as XEP-0045's examples do). Real clients run without assertions. Set
        // before any Smack parsing class is loaded.
        ClassLoader.getSystemClassLoader().setPackageAssertionStatus("org.jivesoftware.smack.parsing", false);
        ItEnvironment.class.getClassLoader().setPackageAssertionStatus("org.jivesoftware.smack.parsing", false);
        SASLAuthentication.registerSASLMechanism(new ScramSha256Mechanism());
    }

    private ItEnvironment() {}

    static Path testDir() {
        return TestNodes.testDir();
    }

    static CassandraLauncher.Handle cassandra() throws Exception {
        return TestNodes.cassandra();
    }

    static void stopCassandra() {
        TestNodes.stopCassandra();
    }

    static Config nodeConfig(Path dataDir, Map<String, Object> overrides) throws Exception {
        return TestNodes.nodeConfig(dataDir, overrides);
    }

    static RookeryNode startNode(Map<String, Object> overrides) throws Exception {
        return TestNodes.startNode(overrides);
    }

    static RookeryNode startNode(Path dataDir, Map<String, Object> overrides) throws Exception {
        return TestNodes.startNode(dataDir, overrides);
    }

    static String freshUserName(String prefix) {
        return TestNodes.freshUserName(prefix);
    }

    static String newUser(RookeryNode node, String prefix) throws Exception {
        return TestNodes.newUser(node, prefix);
    }

    static SSLContext trustingContext(RookeryNode node) throws Exception {
        return TestNodes.trustingContext(node);
    }

    static javax.net.ssl.X509TrustManager trustManager(RookeryNode node) throws Exception {
        return TestNodes.trustManager(node);
    }

    static javax.net.ssl.X509TrustManager trustManager(Path nodeDataDir, String keystorePassword) throws Exception {
        return TestNodes.trustManager(nodeDataDir, keystorePassword);
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

    static String cqlContactPoint() throws Exception {
        return TestNodes.cqlContactPoint();
    }

    static void applySchema(String keyspace) throws Exception {
        TestNodes.applySchema(keyspace);
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
