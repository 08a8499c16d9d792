package io.rookery.node.it.s2s;

import io.rookery.node.RookeryNode;
import io.rookery.node.it.TestNodes;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.X509TrustManager;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;

/** Rookery nodes serving other domains than localhost, and Smack clients of theirs, for federation tests. */
final class RookeryPair {
    private RookeryPair() {}

    /** A free loopback port, for a listener whose port another server must know before it starts. */
    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A node for {@code domain} with its s2s STARTTLS listener on {@code s2sPort} and these settings on top. */
    static RookeryNode start(String domain, int s2sPort, Map<String, Object> extra) throws Exception {
        Map<String, Object> m = new HashMap<>();
        m.put("rookery.domain", domain);
        m.put("rookery.s2s.starttls.port", s2sPort);
        m.putAll(extra);
        Path dir = TestNodes.testDir().resolve("s2s-" + domain + "-" + System.nanoTime());
        Files.createDirectories(dir);
        return TestNodes.startNode(dir, m);
    }

    static XMPPTCPConnection login(RookeryNode node, String user, X509TrustManager trust) throws Exception {
        XMPPTCPConnectionConfiguration.Builder b = XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(node.settings().domain())
                .setHost("127.0.0.1")
                .setPort(node.starttlsPort())
                .setUsernameAndPassword(user, TestNodes.PASSWORD)
                .setCustomX509TrustManager(trust)
                .setHostnameVerifier((h, s) -> true)
                .setConnectTimeout(15_000)
                .setSendPresence(true);
        XMPPTCPConnection c = new XMPPTCPConnection(b.build());
        c.setReplyTimeout(20_000);
        c.connect();
        c.login();
        return c;
    }

    /** Trusts the development certificate a node made for its domain. */
    static X509TrustManager devTrust(RookeryNode node) throws Exception {
        Path keystore = node.settings().dataDir().resolve("tls").resolve("dev-" + node.settings().domain() + ".p12");
        java.security.KeyStore source = java.security.KeyStore.getInstance("PKCS12");
        char[] pw = node.settings().tls().keystorePassword().toCharArray();
        try (var in = Files.newInputStream(keystore)) {
            source.load(in, pw);
        }
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("rookery", source.getCertificate("rookery"));
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        return (X509TrustManager) tmf.getTrustManagers()[0];
    }
}
