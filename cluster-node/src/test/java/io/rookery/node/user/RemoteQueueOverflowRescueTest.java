package io.rookery.node.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.routing.DeadLetterRescue;
import io.rookery.node.user.SingleNode.Session;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/**
 * Artery drops what does not fit the send queue of an association to another node (Pekko's
 * {@code outbound-message-queue-size}, 3,072 by default): a burst of stanzas to sessions on one other node can pass
 * it. Such a message is not lost: Artery hands it to the dead letters as it was sent, and {@link DeadLetterRescue}
 * routes it again through the user's entity, once. Two actor systems in this JVM over real Artery TCP on loopback,
 * the sending one with a send queue of one.
 */
class RemoteQueueOverflowRescueTest {
    private static final int BURST = 400;

    @Test
    void aStanzaDroppedOnAFullSendQueueIsRoutedAgain() {
        Set<String> remote = ConcurrentHashMap.newKeySet();
        ActorTestKit other = ActorTestKit.create("other", ConfigFactory.parseString("""
                pekko.actor.provider = remote
                pekko.remote.artery.canonical.hostname = 127.0.0.1
                pekko.remote.artery.canonical.port = 0
                pekko.loglevel = WARNING
                """).withFallback(ConfigFactory.load()));
        try (SingleNode node = SingleNode.start(ConfigFactory.parseString("""
                pekko.remote.artery.advanced.outbound-message-queue-size = 1
                """))) {
            node.testKit.spawn(DeadLetterRescue.create(node.router), "rescue");
            ActorRef<SessionProtocol.Message> session = other.spawn(Behaviors.receiveMessage(m -> {
                if (m instanceof SessionProtocol.Deliver d) remote.add(d.stanza().attr("id"));
                return Behaviors.same();
            }), "session");
            // The session on the other node, as this node's actors know it.
            ActorRef<SessionProtocol.Message> there = ActorRefResolver.get(node.testKit.system()).resolveActorRef(
                    ActorRefResolver.get(other.system()).toSerializationFormat(session));

            Jid alice = node.newAccount("alice");
            Session desk = node.bind(alice, "desk");
            node.becomeAvailable(desk, 0);
            Set<String> sent = new HashSet<>();
            for (int i = 0; i < BURST; i++) {
                String id = "m" + i;
                sent.add(id);
                there.tell(new SessionProtocol.Deliver(Element.builder("message", Namespaces.CLIENT)
                        .attr("from", "bob@localhost/x").attr("to", alice + "/gone").attr("type", "chat")
                        .attr("id", id).child(Element.builder("body", Namespaces.CLIENT).text(id).build()).build()));
            }

            // Each message arrives once: at the other node, or rescued to Alice's one available resource.
            Set<String> rescued = new HashSet<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (remote.size() + rescued.size() < BURST && System.nanoTime() < deadline) {
                SessionProtocol.Message m;
                try {
                    m = desk.probe().receiveMessage(Duration.ofSeconds(5));
                } catch (AssertionError quiet) {
                    break;
                }
                if (m instanceof SessionProtocol.Deliver d && "message".equals(d.stanza().name())) {
                    assertTrue(rescued.add(d.stanza().attr("id")), "rescued twice: " + d.stanza().attr("id"));
                }
            }
            Set<String> both = new HashSet<>(remote);
            both.retainAll(rescued);
            assertEquals(Set.of(), both, "delivered remotely and rescued");
            Set<String> missing = new HashSet<>(sent);
            missing.removeAll(remote);
            missing.removeAll(rescued);
            assertEquals(Set.of(), missing, "lost (" + remote.size() + " arrived, " + rescued.size() + " rescued)");
            assertTrue(rescued.size() > 0, "the send queue never overflowed: all " + remote.size() + " arrived");
        } finally {
            other.shutdownTestKit();
        }
    }
}
