package io.rookery.node.it.s2s;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.it.TestNodes;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.jivesoftware.smack.packet.Presence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the federation harness without Rookery: Prosody (prosody.test) and ejabberd (ejabberd.test) each with a
 * certificate from one {@link TestCa}, each finding the other through SRV records in one {@link TestDns}, exchange
 * messages and presence subscriptions between their users, both ways.
 */
class FederationPeersIT {
    private static final String PASSWORD = "fed-peers-secret";
    private static final AtomicInteger USERS = new AtomicInteger();

    private static TestDns dns;
    private static TestCa ca;
    private static ProsodyPeer prosody;
    private static EjabberdPeer ejabberd;

    @BeforeAll
    static void startPeers() throws Exception {
        Path dir = TestNodes.testDir().resolve("s2s").resolve("peers-" + ProcessHandle.current().pid() + "-"
                + System.currentTimeMillis());
        ca = TestCa.create(dir.resolve("ca"));
        dns = TestDns.start(dir.resolve("dns"));
        prosody = new ProsodyPeer(dir.resolve("prosody"), "prosody.test", ca, dns);
        // COMPAT ejabberd 23.01: it crashes verifying a certificate with an xmppAddr (see TestCa).
        prosody.certificate(ca.issueWithoutXmppAddr("prosody.test"));
        ejabberd = new EjabberdPeer(dir.resolve("ejabberd"), "ejabberd.test", ca, dns);
        prosody.publishDns();
        ejabberd.publishDns();
        prosody.start();
        ejabberd.start();
    }

    @AfterAll
    static void stopPeers() {
        if (prosody != null) prosody.close();
        if (ejabberd != null) ejabberd.close();
        if (dns != null) dns.close();
    }

    private static String user(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + USERS.incrementAndGet();
    }

    /** What a failure message needs: both servers' last log lines and what the DNS was asked. */
    private static String diagnostics() {
        return "\nDNS queries: " + dns.queries() + "\n" + prosody.tail(60) + ejabberd.tail(60);
    }

    @Test
    void aMessageCrossesFromProsodyToEjabberdAndBack() throws Exception {
        String alice = user("alice");
        String bob = user("bob");
        prosody.register(alice, PASSWORD);
        ejabberd.register(bob, PASSWORD);
        try (PeerClient a = PeerClient.login(prosody, alice, PASSWORD);
                PeerClient b = PeerClient.login(ejabberd, bob, PASSWORD)) {
            a.send(bob + "@ejabberd.test", "hello from prosody");
            assertNotNull(b.awaitMessage("hello from prosody", 20),
                    () -> "ejabberd's user got nothing" + diagnostics());
            b.send(alice + "@prosody.test", "hello from ejabberd");
            assertNotNull(a.awaitMessage("hello from ejabberd", 20),
                    () -> "prosody's user got nothing" + diagnostics());
        }
    }

    @Test
    void aPresenceSubscriptionAcrossTheServersIsAccepted() throws Exception {
        String carol = user("carol");
        String dave = user("dave");
        prosody.register(carol, PASSWORD);
        ejabberd.register(dave, PASSWORD);
        String carolJid = carol + "@prosody.test";
        String daveJid = dave + "@ejabberd.test";
        try (PeerClient c = PeerClient.login(prosody, carol, PASSWORD);
                PeerClient d = PeerClient.login(ejabberd, dave, PASSWORD)) {
            // ejabberd's user asks; Prosody's client accepts (accept_all), then asks back.
            d.subscribe(carolJid);
            assertTrue(d.awaitSubscription(carolJid, 20, "to", "both"),
                    () -> "ejabberd's user has " + subscription(d, carolJid) + diagnostics());
            assertNotNull(d.awaitPresence(carolJid, Presence.Type.available, 20),
                    () -> "no presence from prosody's user" + diagnostics());
            c.subscribe(daveJid);
            assertTrue(c.awaitSubscription(daveJid, 20, "both"),
                    () -> "prosody's user has " + subscription(c, daveJid) + diagnostics());
            assertTrue(d.awaitSubscription(carolJid, 20, "both"),
                    () -> "ejabberd's user has " + subscription(d, carolJid) + diagnostics());
            assertNotNull(c.awaitPresence(daveJid, Presence.Type.available, 20),
                    () -> "no presence from ejabberd's user" + diagnostics());
        }
    }

    /**
     * Prosody presents a self-signed certificate, which ejabberd cannot verify: with mod_s2s_dialback loaded,
     * ejabberd accepts Prosody's stream through XEP-0220 dialback (checked back on prosody.test's own s2s port), and
     * Prosody, with {@code s2s_secure_auth = false}, still sends over it. The other direction stays SASL EXTERNAL.
     */
    @Test
    void aServerWhoseCertificateDoesNotVerifyGetsThroughByDialback() throws Exception {
        TestCa.Issued usual = prosody.certificate();
        prosody.certificate(ca.issueSelfSigned("prosody.test")).secureAuth(false);
        prosody.restart();
        try {
            String erin = user("erin");
            String frank = user("frank");
            prosody.register(erin, PASSWORD);
            ejabberd.register(frank, PASSWORD);
            try (PeerClient e = PeerClient.login(prosody.domain(), prosody.c2sPort(),
                    trustOnly(prosody.certificate()), erin, PASSWORD);
                    PeerClient f = PeerClient.login(ejabberd, frank, PASSWORD)) {
                e.send(frank + "@ejabberd.test", "dialback from prosody");
                assertNotNull(f.awaitMessage("dialback from prosody", 20),
                        () -> "ejabberd's user got nothing" + diagnostics());
                f.send(erin + "@prosody.test", "back to prosody");
                assertNotNull(e.awaitMessage("back to prosody", 20),
                        () -> "prosody's user got nothing" + diagnostics());
            }
            assertTrue(java.nio.file.Files.readString(ejabberd.logFile())
                            .contains("Accepted inbound s2s dialback authentication prosody.test"),
                    () -> "ejabberd did not log a dialback authentication" + diagnostics());
        } finally {
            prosody.certificate(usual).secureAuth(true);
            prosody.restart();
        }
    }

    /** Trusts exactly one (self-signed) certificate, for a client of a peer that presents one. */
    private static javax.net.ssl.X509TrustManager trustOnly(TestCa.Issued issued) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("peer", issued.certificate());
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return (javax.net.ssl.X509TrustManager) tmf.getTrustManagers()[0];
    }

    private static String subscription(PeerClient client, String contact) {
        try {
            return client.subscription(contact);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
