package io.rookery.node.it;

import static io.rookery.node.it.ClusterItSupport.log;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.it.s2s.PeerClient;
import io.rookery.node.it.s2s.ProsodyPeer;
import io.rookery.node.it.s2s.TestCa;
import io.rookery.node.it.s2s.TestDns;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A three-node Rookery cluster (rookery.test) federates with Prosody (prosody.test); the node that holds the link to
 * prosody.test is killed (SIGKILL) while a user on another node sends to Prosody ten messages a second. The link
 * comes back on a surviving node, every message reaches Prosody (the sender's node resends what the dead link never
 * confirmed), and Prosody reaches the cluster again; the test prints how long the link was away.
 */
class ClusterFederationIT {
    private static final String PASSWORD = "cluster-fed-secret";
    private static final String KEYSPACE = "rookery_cluster_it";
    private static final List<NodeProcess> NODES = new ArrayList<>();
    private static TestDns dns;
    private static TestCa ca;
    private static ProsodyPeer prosody;

    @BeforeAll
    static void start() throws Exception {
        Path dir = ItEnvironment.testDir().resolve("s2s").resolve("cluster-" + System.currentTimeMillis());
        ca = TestCa.create(dir.resolve("ca"));
        dns = TestDns.start(dir.resolve("dns"));
        prosody = new ProsodyPeer(dir.resolve("prosody"), "prosody.test", ca, dns);
        prosody.certificate(ca.issueWithoutXmppAddr("prosody.test"));
        prosody.publishDns();
        prosody.start();
        TestCa.Issued cert = ca.issueWithoutXmppAddr("rookery.test");
        String cql = ItEnvironment.cqlContactPoint();
        ItEnvironment.applySchema(KEYSPACE);
        Map<String, String> settings = new HashMap<>();
        settings.put("rookery.domain", "rookery.test");
        settings.put("rookery.tls.keystore", cert.keystore().toString());
        settings.put("rookery.tls.keystore-password", cert.keystorePassword());
        settings.put("rookery.s2s.dns-server", dns.ip() + ":" + dns.port());
        settings.put("rookery.s2s.trust-store", ca.trustStore().toString());
        settings.put("rookery.s2s.trust-store-password", ca.trustStorePassword());
        List<Integer> ports = NodeProcess.freePorts(3);
        for (int i = 0; i < 3; i++) {
            NODES.add(NodeProcess.clusterNode("fed" + (i + 1), dir.resolve("node" + (i + 1)), ports.get(i), ports, cql,
                    KEYSPACE, settings));
        }
        for (NodeProcess n : NODES) n.start();
        for (NodeProcess n : NODES) n.awaitStarted(ThreeNodeCluster.START_TIMEOUT);
        List<Integer> s2s = new ArrayList<>();
        for (NodeProcess n : NODES) s2s.add(n.port("s2s.starttls"));
        dns.srvAll("rookery.test", s2s);
        awaitMembers(3);
    }

    private static void awaitMembers(int up) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            List<String> addresses = new ArrayList<>();
            for (NodeProcess n : NODES) if (n.isAlive()) addresses.add(n.address());
            boolean all = true;
            for (NodeProcess n : NODES) {
                if (!n.isAlive()) continue;
                try {
                    if (!n.members().allUp(addresses)) all = false;
                } catch (Exception e) {
                    all = false;
                }
            }
            if (all && addresses.size() == up) return;
            Thread.sleep(500);
        }
        throw new AssertionError("the cluster did not come up");
    }

    @AfterAll
    static void stop() {
        for (NodeProcess n : NODES) n.kill();
        if (prosody != null) prosody.close();
        if (dns != null) dns.close();
    }

    @Test
    void theLinkComesBackOnAnotherNodeWhenItsNodeIsKilled() throws Exception {
        String remote = "peer-" + ProcessHandle.current().pid();
        prosody.register(remote, PASSWORD);
        String remoteJid = remote + "@prosody.test";
        try (PeerClient p = PeerClient.login(prosody, remote, PASSWORD)) {
            // Find the node that holds the link: a first message from node1 sets it up.
            PeerClient probe = rookeryUser(NODES.get(0));
            probe.send(remoteJid, "warm-up");
            assertNotNull(p.awaitMessage("warm-up", 30), () -> "no first message" + diagnostics());
            NodeProcess owner = null;
            for (NodeProcess n : NODES) {
                if (!n.logLines(5, "s2s-out-ready local=rookery.test domain=prosody.test").isEmpty()) owner = n;
            }
            assertNotNull(owner, "no node logged the link to prosody.test");
            NodeProcess senderNode = NODES.get(0) == owner ? NODES.get(1) : NODES.get(0);
            probe.close();
            PeerClient r = rookeryUser(senderNode);
            Map<Integer, Long> received = new ConcurrentHashMap<>();
            AtomicInteger copies = new AtomicInteger();
            p.connection().addSyncStanzaListener(s -> {
                String body = ((Message) s).getBody();
                if (body == null || !body.startsWith("seq-")) return;
                copies.incrementAndGet();
                received.putIfAbsent(Integer.parseInt(body.substring(4)), System.nanoTime());
            }, s -> s instanceof Message);
            AtomicInteger bounced = new AtomicInteger();
            r.connection().addSyncStanzaListener(s -> bounced.incrementAndGet(),
                    s -> s instanceof Message m && m.getType() == Message.Type.error);
            int total = 300;
            long[] sentAt = new long[total];
            long killedAt = 0;
            for (int i = 0; i < total; i++) {
                if (i == 50) {
                    owner.kill();
                    killedAt = System.nanoTime();
                    log("s2s-failover: killed %s (held the link), sending from %s", owner.name(), senderNode.name());
                }
                sentAt[i] = System.nanoTime();
                r.send(remoteJid, "seq-" + i);
                Thread.sleep(100);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() + bounced.get() < total && System.nanoTime() < deadline) Thread.sleep(200);
            List<Integer> lost = new ArrayList<>();
            long firstAfterKill = Long.MAX_VALUE;
            for (int i = 0; i < total; i++) {
                Long at = received.get(i);
                if (at == null) lost.add(i);
                else if (i >= 50) firstAfterKill = Math.min(firstAfterKill, at);
            }
            long backMs = firstAfterKill == Long.MAX_VALUE ? -1 : (firstAfterKill - killedAt) / 1_000_000;
            log("s2s-failover: sent=%d received=%d duplicates=%d lost=%d %s bounced=%d link-back-after-kill-ms=%d",
                    total, received.size(), copies.get() - received.size(), lost.size(), lost, bounced.get(), backMs);
            assertTrue(backMs >= 0, () -> "no message reached prosody after the kill" + diagnostics());
            assertTrue(lost.isEmpty(), () -> lost.size() + " messages lost: " + lost + diagnostics());

            // Prosody reaches the cluster again (its stream to the killed node, if it had one, is gone).
            p.send(r.jid().toString(), "prosody after the kill");
            assertNotNull(r.awaitMessage("prosody after the kill", 60), () -> "prosody's message after the kill"
                    + " did not arrive" + diagnostics());
            r.close();
        }
    }

    private static PeerClient rookeryUser(NodeProcess node) throws Exception {
        String name = node.newUser("fed");
        return PeerClient.login("rookery.test", node.starttlsPort(), ca.trustManager(), name, ItEnvironment.PASSWORD);
    }

    private static String diagnostics() {
        StringBuilder b = new StringBuilder("\n").append(prosody.tail(60));
        for (NodeProcess n : NODES) b.append("\n---- ").append(n.name()).append('\n').append(n.logTail(60));
        return b.toString();
    }
}
