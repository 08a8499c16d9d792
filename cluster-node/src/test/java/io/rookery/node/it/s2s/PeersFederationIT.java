package io.rookery.node.it.s2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import io.rookery.node.it.TestNodes;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.filter.StanzaIdFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Rookery federates with real Prosody 0.12 and ejabberd 23.01 (Debian's) on loopback, each server with its own domain
 * and a certificate from one test authority, each finding the others through SRV records of one test DNS server.
 * rookery.test requires valid certificates (the default) and is authenticated by certificate (SASL EXTERNAL) both
 * ways; dialback.test shows a self-signed certificate and does not require valid ones, so it and the peers prove
 * their domains with XEP-0220 dialback.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PeersFederationIT {
    private static final String PASSWORD = "fed-peers-secret";
    private static final AtomicInteger USERS = new AtomicInteger();

    private static TestDns dns;
    private static TestCa ca;
    private static ProsodyPeer prosody;
    private static EjabberdPeer ejabberd;
    private static RookeryNode rookery;
    private static RookeryNode dialback;
    private static TestCa.Issued dialbackCert;

    @BeforeAll
    static void start() throws Exception {
        Path dir = TestNodes.testDir().resolve("s2s").resolve("rookery-peers-" + System.currentTimeMillis());
        ca = TestCa.create(dir.resolve("ca"));
        dns = TestDns.start(dir.resolve("dns"));
        prosody = new ProsodyPeer(dir.resolve("prosody"), "prosody.test", ca, dns);
        // COMPAT ejabberd 23.01: verifying a certificate with an xmppAddr crashes its stream (see TestCa).
        prosody.certificate(ca.issueWithoutXmppAddr("prosody.test"));
        ejabberd = new EjabberdPeer(dir.resolve("ejabberd"), "ejabberd.test", ca, dns);
        prosody.publishDns();
        ejabberd.publishDns();
        int rookeryPort = RookeryPair.freePort();
        int dialbackPort = RookeryPair.freePort();
        dns.srv("rookery.test", rookeryPort);
        // A service subdomain is a domain of its own to other servers: it needs its own records.
        dns.srv("conference.rookery.test", rookeryPort);
        dns.srv("dialback.test", dialbackPort);
        prosody.start();
        ejabberd.start();

        TestCa.Issued cert = ca.issueWithoutXmppAddr("rookery.test");
        Map<String, Object> common = new HashMap<>();
        common.put("rookery.s2s.dns-server", dns.ip() + ":" + dns.port());
        common.put("rookery.s2s.trust-store", ca.trustStore().toString());
        common.put("rookery.s2s.trust-store-password", ca.trustStorePassword());
        Map<String, Object> r = new HashMap<>(common);
        r.put("rookery.tls.keystore", cert.keystore().toString());
        r.put("rookery.tls.keystore-password", cert.keystorePassword());
        rookery = RookeryPair.start("rookery.test", rookeryPort, r);
        TestCa.Issued selfSigned = ca.issueSelfSigned("dialback.test");
        dialbackCert = selfSigned;
        Map<String, Object> d = new HashMap<>(common);
        d.put("rookery.tls.keystore", selfSigned.keystore().toString());
        d.put("rookery.tls.keystore-password", selfSigned.keystorePassword());
        d.put("rookery.s2s.require-valid-certificates", false);
        // dialback.test keeps what waits for an unreachable domain, trying it again every second.
        d.put("rookery.s2s.bounce-unreachable", false);
        d.put("rookery.s2s.retry-interval", "1s");
        dialback = RookeryPair.start("dialback.test", dialbackPort, d);
    }

    @AfterAll
    static void stop() {
        if (rookery != null) rookery.close();
        if (dialback != null) dialback.close();
        if (prosody != null) prosody.close();
        if (ejabberd != null) ejabberd.close();
        if (dns != null) dns.close();
    }

    private static String user(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + USERS.incrementAndGet();
    }

    private static String diagnostics() {
        return "\nDNS queries: " + dns.queries() + "\n" + prosody.tail(40) + ejabberd.tail(40);
    }

    private static PeerClient rookeryUser(RookeryNode node, String prefix, TestCa.Issued trusted) throws Exception {
        String name = TestNodes.newUser(node, prefix);
        return PeerClient.login(node.settings().domain(), node.starttlsPort(),
                trusted == null ? ca.trustManager() : trustOnly(trusted), name, TestNodes.PASSWORD);
    }

    /** Messages both ways, an iq to the peer server and back, and a presence subscription both ways. */
    private static void converse(RookeryNode node, TestCa.Issued nodeCert, FederationPeer peer) throws Exception {
        String remote = user("peer");
        peer.register(remote, PASSWORD);
        String remoteJid = remote + "@" + peer.domain();
        try (PeerClient r = rookeryUser(node, "local", nodeCert);
                PeerClient p = PeerClient.login(peer, remote, PASSWORD)) {
            String localJid = r.jid().toString();
            r.send(remoteJid, "from rookery to " + peer.domain());
            assertNotNull(p.awaitMessage("from rookery to " + peer.domain(), 20),
                    () -> peer.domain() + "'s user got nothing" + diagnostics());
            p.send(localJid, "from " + peer.domain() + " to rookery");
            Message back = r.awaitMessage("from " + peer.domain() + " to rookery", 20);
            assertNotNull(back, () -> "rookery's user got nothing from " + peer.domain() + diagnostics());
            assertEquals(remoteJid, back.getFrom().asBareJid().toString());

            assertTrue(PingManager.getInstanceFor(r.connection()).ping(JidCreate.domainBareFrom(peer.domain()), 20_000),
                    () -> peer.domain() + " did not answer rookery's ping" + diagnostics());
            assertTrue(PingManager.getInstanceFor(p.connection()).ping(JidCreate.domainBareFrom(
                    node.settings().domain()), 20_000), () -> "rookery did not answer " + peer.domain() + "'s ping"
                    + diagnostics());

            r.subscribe(remoteJid);
            assertTrue(r.awaitSubscription(remoteJid, 20, "to", "both"),
                    () -> "rookery's user has " + sub(r, remoteJid) + diagnostics());
            assertNotNull(r.awaitPresence(remoteJid, Presence.Type.available, 20),
                    () -> "no presence from " + peer.domain() + "'s user" + diagnostics());
            p.subscribe(localJid);
            assertTrue(p.awaitSubscription(localJid, 20, "both"),
                    () -> peer.domain() + "'s user has " + sub(p, localJid) + diagnostics());
            assertNotNull(p.awaitPresence(localJid, Presence.Type.available, 20),
                    () -> "no presence from rookery's user at " + peer.domain() + diagnostics());
        }
    }

    @Test
    @Order(1)
    void withProsodyByCertificate() throws Exception {
        converse(rookery, null, prosody);
    }

    @Test
    @Order(2)
    void withEjabberdByCertificate() throws Exception {
        converse(rookery, null, ejabberd);
    }

    @Test
    @Order(3)
    void withProsodyByDialback() throws Exception {
        prosody.secureAuth(false);
        prosody.restart();
        try {
            converse(dialback, dialbackCert, prosody);
        } finally {
            prosody.secureAuth(true);
            prosody.restart();
        }
    }

    @Test
    @Order(4)
    void withEjabberdByDialback() throws Exception {
        converse(dialback, dialbackCert, ejabberd);
    }

    /**
     * A room of rookery.test's conference service: a Prosody user joins it and talks with a Rookery user. Prosody
     * opens a stream to conference.rookery.test, and the room answers over a link of its own that authenticates
     * conference.rookery.test (the certificate's *.rookery.test), as RFC 6120 §13.3 wants for each pair of domains.
     */
    @Test
    @Order(2)
    void aProsodyUserTalksInARookeryRoom() throws Exception {
        String remote = user("guest");
        prosody.register(remote, PASSWORD);
        try (PeerClient owner = rookeryUser(rookery, "owner", null);
                PeerClient guest = PeerClient.login(prosody, remote, PASSWORD)) {
            org.jxmpp.jid.EntityBareJid room = JidCreate.entityBareFrom("fed" + System.nanoTime()
                    + "@conference.rookery.test");
            org.jivesoftware.smackx.muc.MultiUserChat own = org.jivesoftware.smackx.muc.MultiUserChatManager
                    .getInstanceFor(owner.connection()).getMultiUserChat(room);
            own.create(org.jxmpp.jid.parts.Resourcepart.from("owner")).makeInstant();
            org.jivesoftware.smackx.muc.MultiUserChat joined = org.jivesoftware.smackx.muc.MultiUserChatManager
                    .getInstanceFor(guest.connection()).getMultiUserChat(room);
            java.util.concurrent.BlockingQueue<Message> heard = new java.util.concurrent.LinkedBlockingQueue<>();
            joined.addMessageListener(heard::add);
            joined.join(org.jxmpp.jid.parts.Resourcepart.from("guest"));
            own.sendMessage("welcome, guest");
            Message m = heard.poll(20, java.util.concurrent.TimeUnit.SECONDS);
            while (m != null && !"welcome, guest".equals(m.getBody())) m = heard.poll(20, java.util.concurrent.TimeUnit.SECONDS);
            assertNotNull(m, () -> "the Prosody user heard nothing in the room" + diagnostics());
            assertEquals(room + "/owner", m.getFrom().toString());
            java.util.concurrent.BlockingQueue<Message> ownerHeard = new java.util.concurrent.LinkedBlockingQueue<>();
            own.addMessageListener(ownerHeard::add);
            joined.sendMessage("thanks from prosody");
            Message back = ownerHeard.poll(20, java.util.concurrent.TimeUnit.SECONDS);
            while (back != null && !"thanks from prosody".equals(back.getBody())) {
                back = ownerHeard.poll(20, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertNotNull(back, () -> "the room did not pass on the Prosody user's message" + diagnostics());
            assertEquals(room + "/guest", back.getFrom().toString());
        }
    }

    /** Prosody shows a self-signed certificate; rookery.test requires valid ones and refuses it in both roles. */
    @Test
    @Order(5)
    void aPeerWithAnInvalidCertificateIsRefused() throws Exception {
        TestCa.Issued usual = prosody.certificate();
        prosody.certificate(ca.issueSelfSigned("prosody.test")).secureAuth(false);
        prosody.restart();
        try {
            String remote = user("peer");
            prosody.register(remote, PASSWORD);
            try (PeerClient r = rookeryUser(rookery, "strict", null);
                    PeerClient p = PeerClient.login(prosody.domain(), prosody.c2sPort(),
                            trustOnly(prosody.certificate()), remote, PASSWORD)) {
                StanzaError error = sendAndAwaitError(r, remote + "@prosody.test", "refused?");
                assertEquals(StanzaError.Condition.remote_server_not_found, error.getCondition(),
                        () -> error.toXML().toString() + diagnostics());
                p.send(r.jid().toString(), "should not arrive");
                assertEquals(null, r.awaitMessage("should not arrive", 5), "a message crossed an unauthenticated link");
            }
        } finally {
            prosody.certificate(usual).secureAuth(true);
            prosody.restart();
        }
    }

    /** A stopped peer: the sender learns at once; once it is back, the next message goes through. */
    @Test
    @Order(6)
    void aPeerStoppedAndStartedAgain() throws Exception {
        String remote = user("peer");
        prosody.register(remote, PASSWORD);
        try (PeerClient r = rookeryUser(rookery, "restart", null)) {
            String remoteJid = remote + "@prosody.test";
            r.send(remoteJid, "warm-up");
            prosody.stop();
            StanzaError error = sendAndAwaitError(r, remoteJid, "while prosody is down");
            assertEquals(StanzaError.Condition.remote_server_not_found, error.getCondition(), () -> error.toXML().toString());
            prosody.start();
            try (PeerClient p = PeerClient.login(prosody, remote, PASSWORD)) {
                r.send(remoteJid, "after the restart");
                assertNotNull(p.awaitMessage("after the restart", 20),
                        () -> "nothing after prosody came back" + diagnostics());
            }
        }
    }

    /** With bounce-unreachable off, a message for a stopped peer waits and arrives once the peer is back. */
    @Test
    @Order(7)
    void aMessageWaitsForAStoppedPeerWhenSoConfigured() throws Exception {
        String remote = user("peer");
        prosody.register(remote, PASSWORD);
        prosody.stop();
        prosody.secureAuth(false);
        try (PeerClient r = rookeryUser(dialback, "patient", dialbackCert)) {
            java.util.concurrent.atomic.AtomicInteger errors = new java.util.concurrent.atomic.AtomicInteger();
            r.connection().addSyncStanzaListener(s -> errors.incrementAndGet(),
                    s -> s instanceof Message m && m.getType() == Message.Type.error);
            r.send(remote + "@prosody.test", "kept while prosody was down");
            Thread.sleep(3_000);
            prosody.start();
            try (PeerClient p = PeerClient.login(prosody, remote, PASSWORD)) {
                assertNotNull(p.awaitMessage("kept while prosody was down", 30),
                        () -> "the kept message did not arrive" + diagnostics());
            }
            assertEquals(0, errors.get(), "the kept message was bounced");
        } finally {
            prosody.stop();
            prosody.secureAuth(true);
            prosody.start();
        }
    }

    /** A message from Prosody to a Rookery user who is offline is stored and delivered at the user's next login. */
    @Test
    @Order(8)
    void aMessageFromProsodyToAnOfflineUserWaitsForThem() throws Exception {
        String local = TestNodes.newUser(rookery, "away");
        String remote = user("peer");
        prosody.register(remote, PASSWORD);
        try (PeerClient p = PeerClient.login(prosody, remote, PASSWORD)) {
            p.send(local + "@rookery.test", "while you were away");
            Thread.sleep(2_000);
        }
        try (PeerClient r = PeerClient.login("rookery.test", rookery.starttlsPort(), ca.trustManager(), local,
                TestNodes.PASSWORD)) {
            Message m = r.awaitMessage("while you were away", 20);
            assertNotNull(m, () -> "the offline message did not come" + diagnostics());
            assertEquals(remote + "@prosody.test", m.getFrom().asBareJid().toString());
        }
    }

    private static StanzaError sendAndAwaitError(PeerClient from, String to, String body) throws Exception {
        Message m = MessageBuilder.buildMessage("fed-" + System.nanoTime()).to(JidCreate.from(to)).ofType(Message.Type.chat).setBody(body)
                .build();
        StanzaCollector c = from.connection().createStanzaCollectorAndSend(new StanzaIdFilter(m.getStanzaId()), m);
        try {
            Stanza answer = c.nextResult(30_000);
            assertNotNull(answer, () -> "no error for a message to " + to + diagnostics());
            assertNotNull(answer.getError(), () -> "not an error: " + answer.toXML());
            return answer.getError();
        } finally {
            c.cancel();
        }
    }

    private static String sub(PeerClient c, String contact) {
        try {
            return c.subscription(contact);
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static javax.net.ssl.X509TrustManager trustOnly(TestCa.Issued issued) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("peer", issued.certificate());
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return (javax.net.ssl.X509TrustManager) tmf.getTrustManagers()[0];
    }
}
