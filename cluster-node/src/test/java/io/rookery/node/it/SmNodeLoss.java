package io.rookery.node.it;

import static io.rookery.node.it.ClusterClient.login;
import static io.rookery.node.it.ClusterItSupport.awaitTrue;
import static io.rookery.node.it.ClusterItSupport.bare;
import static io.rookery.node.it.ClusterItSupport.eitherOf;
import static io.rookery.node.it.ClusterItSupport.log;
import static io.rookery.node.it.ClusterItSupport.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;

/**
 * {@link ClusterIT}'s XEP-0198 node loss: a Smack client with stream management on the node that is SIGKILLed while
 * messages flow to it, from a sender with stream management on a survivor. Once the cluster removed the dead node the
 * client resumes on a survivor (behind one address, as behind a load balancer) from what its stream kept in
 * Cassandra; every message the server acknowledged to the sender arrives, once (ids checked), and the counts are
 * logged.
 */
final class SmNodeLoss {
    private SmNodeLoss() {}

    static void run(NodeProcess victim, NodeProcess senderNode, NodeProcess survivor) throws Exception {
        String rachel = survivor.newUser("rachel");
        String sam = senderNode.newUser("sam");
        List<String> received = new CopyOnWriteArrayList<>();
        try (TcpBalancer balancer = new TcpBalancer(victim.starttlsPort());
                ClusterClient s = login(senderNode, sam, "desk")) {
            XMPPTCPConnection r = ItEnvironment.connectStartTls(balancer.port(),
                    eitherOf(victim.trustManager(), survivor.trustManager()), rachel, ItEnvironment.PASSWORD,
                    "phone", c -> {
                        c.setUseStreamManagementResumption(true);
                        c.addSyncStanzaListener(st -> received.add(st.getStanzaId()),
                                st -> st instanceof Message m && m.getBody() != null);
                    });
            try {
                assertTrue(r.isSmResumptionPossible(), "resumption offered");
                assertTrue(s.conn.isSmEnabled(), "Smack enables stream management by default");
                Set<String> acked = ConcurrentHashMap.newKeySet();
                AtomicInteger sent = new AtomicInteger();
                AtomicBoolean stop = new AtomicBoolean();
                Thread sender = new Thread(() -> {
                    for (int n = 0; n < 3000 && !stop.get(); n++) {
                        String id = "kept-" + n;
                        try {
                            s.conn.addStanzaIdAcknowledgedListener(id, st -> acked.add(id));
                            s.conn.sendStanza(MessageBuilder.buildMessage(id).to(bare(rachel))
                                    .ofType(Message.Type.chat).setBody(id).build());
                            sent.incrementAndGet();
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            log("sm-node-loss sender stopped: %s", e);
                            return;
                        }
                    }
                }, "kept-sender");
                sender.start();
                awaitTrue("rachel gets messages on the node that dies, acknowledged to sam",
                        () -> received.size() >= 50 && acked.size() >= 50);

                // What the node writes from now on never reaches rachel: at the kill it is kept only by her stream,
                // which must send it again when she resumes.
                balancer.loseDownstream();
                int receivedBeforeLoss = received.size();
                Thread.sleep(1000);
                Set<String> ackedAtKill = new TreeSet<>(acked);
                long kill = System.nanoTime();
                victim.kill();
                log("killed %s", victim);
                // Messages go on while the cluster notices the loss.
                Thread.sleep(2000);
                stop.set(true);
                sender.join(10_000);
                int receivedBeforeResume = received.size();
                Set<String> onlyKept = new TreeSet<>(ackedAtKill);
                onlyKept.removeAll(received);
                await("the survivors remove " + victim.name(), 90, () -> {
                    try {
                        return !survivor.members().lists(victim.address());
                    } catch (Exception e) {
                        return false;
                    }
                });
                long removedMs = ms(kill);
                await("rachel's client sees its connection gone", 30, () -> !r.isConnected());

                balancer.pointAt(survivor.starttlsPort());
                long resumeAt = System.nanoTime();
                r.connect().login();
                long resumeMs = ms(resumeAt);
                assertTrue(r.streamWasResumed(), "Smack resumed its stream on " + survivor.name()
                        + " after its node died");
                long resumedAfterKillMs = ms(kill);

                // Messages whose confirmation died with the node are routed again by sam's session (after
                // ack-when-stored-timeout); every one ends acknowledged.
                await("the server acknowledges every message sam sent", 120, () -> acked.size() >= sent.get());
                await("every acknowledged message reaches rachel", 60, () -> received.containsAll(acked));
                Map<String, Integer> counts = new HashMap<>();
                for (String id : received) counts.merge(id, 1, Integer::sum);
                List<String> twice = new ArrayList<>();
                counts.forEach((id, n) -> {
                    if (n > 1) twice.add(id + "x" + n);
                });
                Set<String> missing = new TreeSet<>(acked);
                missing.removeAll(received);
                log("%s sm-node-loss sent=%d acked=%d received=%d distinct=%d duplicates=%s missing=%s "
                        + "received-before-loss=%d received-before-resume=%d sigkill-to-removed-ms=%d resume-ms=%d "
                        + "sigkill-to-resumed-ms=%d acked-but-unreceived-at-kill=%d", ClusterIT.MEASUREMENT, sent.get(), acked.size(), received.size(),
                        counts.size(), twice, missing, receivedBeforeLoss, receivedBeforeResume, removedMs, resumeMs,
                        resumedAfterKillMs, onlyKept.size());
                assertEquals(Set.of(), missing, "acknowledged to the sender, never delivered");
                assertEquals(List.of(), twice, "delivered more than once");
                String metrics = survivor.scrape();
                assertTrue(metrics.contains("xmpp_sm_resumptions_total{outcome=\"recovered\"} 1"), metrics);
                // Acknowledged to sam while the bytes were being lost: only the stream's replay can have brought them.
                assertTrue(receivedBeforeResume == receivedBeforeLoss, "nothing reached rachel while lost");
                assertTrue(!onlyKept.isEmpty() && received.containsAll(onlyKept),
                        "acknowledged before the kill, never received then, sent again on resumption: " + onlyKept);

                // The resumed stream goes on: a message now arrives at once.
                s.conn.sendStanza(MessageBuilder.buildMessage("after-resume").to(bare(rachel))
                        .ofType(Message.Type.chat).setBody("after").build());
                await("a message after the resumption arrives", 30, () -> received.contains("after-resume"));
            } finally {
                r.disconnect();
            }
        }
    }

    private static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail(what);
            Thread.sleep(100);
        }
    }
}
