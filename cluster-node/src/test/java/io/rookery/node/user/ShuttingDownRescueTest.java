package io.rookery.node.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.routing.DeadLetterRescue;
import io.rookery.node.user.SingleNode.Session;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;

/**
 * A node that is shutting down has handed off its shards and stopped its shard region before it has finished: a
 * stanza that ends as a dead letter there can no longer be routed through it. Its rescue actor hands the stanza to
 * another node's, which routes it. Two cluster members in this JVM over Artery on loopback: users' entities live on
 * the staying one (the leaving one only proxies, as after a handoff), and the dead letter appears on the leaving
 * one after its shard region stopped (in the cluster-leave phase of its coordinated shutdown).
 */
class ShuttingDownRescueTest {

    @Test
    void aNodeThatIsShuttingDownHandsItsDeadLettersToAnotherNode() throws Exception {
        try (SingleNode staying = SingleNode.start(ConfigFactory.parseString("""
                pekko.cluster.roles = [users]
                pekko.cluster.sharding.role = users
                """));
                SingleNode leaving = SingleNode.join(ConfigFactory.parseString("""
                pekko.cluster.sharding.role = users
                """), staying)) {
            for (SingleNode n : new SingleNode[] {staying, leaving}) {
                n.testKit.system().systemActorOf(DeadLetterRescue.create(n.router), DeadLetterRescue.NAME,
                        Props.empty());
            }
            ActorSystem<Void> system = leaving.testKit.system();
            var probe = leaving.testKit.createTestProbe();
            probe.awaitAssert(Duration.ofSeconds(30), () -> {
                int up = 0;
                for (var m : Cluster.get(system).state().getMembers()) {
                    if (m.status() == MemberStatus.up()) up++;
                }
                assertEquals(2, up, "both nodes Up");
                return null;
            });

            Jid alice = staying.newAccount("alice");
            Session desk = staying.bind(alice, "desk");
            staying.becomeAvailable(desk, 0);
            Element chat = Element.builder("message", Namespaces.CLIENT).attr("from", "bob@localhost/x")
                    .attr("to", alice.toString()).attr("type", "chat").attr("id", "late")
                    .child(Element.builder("body", Namespaces.CLIENT).text("late").build()).build();

            var classic = Adapter.toClassic(system);
            CoordinatedShutdown shutdown = CoordinatedShutdown.get(classic);
            // After cluster-sharding-shutdown-region: the leaving node's region has stopped by then.
            shutdown.addTask(CoordinatedShutdown.PhaseClusterLeave(), "dead-letter-after-handoff", () -> {
                var nobody = classic.deadLetters();
                system.eventStream().tell(new EventStream.Publish<>(new DeadLetter(
                        new ShardingEnvelope<>(alice.toString(), new UserEntity.Deliver(chat, alice)), nobody, nobody)));
                CompletableFuture<Done> later = new CompletableFuture<>();
                CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.SECONDS)
                        .execute(() -> later.complete(Done.getInstance()));
                return later;
            });
            shutdown.runAll(CoordinatedShutdown.unknownReason());

            assertEquals("late", desk.nextStanza().attr("id"));
        }
    }
}
