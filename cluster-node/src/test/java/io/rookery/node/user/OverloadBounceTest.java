package io.rookery.node.user;

import static io.rookery.node.user.SingleNode.chat;
import static io.rookery.node.user.SingleNode.iq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.routing.OverloadBounce;
import io.rookery.node.user.SingleNode.Session;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.carbons.Carbons;
import io.rookery.protocol.xep.ping.Ping;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An account entity that persists queues the commands arriving meanwhile in a stash of
 * pekko.persistence.typed.stash-capacity (16 here, instead of 4096); Pekko drops what finds it full. Every message
 * dropped there must come back to its sender as resource-constraint: none may be lost without a word.
 */
class OverloadBounceTest {
    private static final int STASH_CAPACITY = 16;
    private static SingleNode node;
    private static NodeMetrics metrics;

    @BeforeAll
    static void start() {
        node = SingleNode.start(ConfigFactory.parseString(
                "pekko.persistence.typed.stash-capacity = " + STASH_CAPACITY));
        metrics = new NodeMetrics();
        node.testKit.spawn(OverloadBounce.create(node.router, metrics), "overload-bounce");
        awaitSubscribed();
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @Test
    void everyMessageOfAFloodToAnOfflineUserIsStoredOrBouncedWithResourceConstraint() {
        Jid alice = node.newAccount("alice");
        Session bob = node.bind(node.newAccount("bob"), "phone");
        int sent = 400;
        double bouncedBefore = counter("xmpp_stanzas_bounced_overload");
        // Each message to offline Alice is a journal write; those arriving meanwhile wait in her entity's stash.
        for (int i = 0; i < sent; i++) node.router.route(chat(bob.jid(), alice, "m-" + i));
        awaitIdle(alice);

        Session desk = node.bind(alice, "desk");
        node.becomeAvailable(desk, 0);
        Set<String> stored = new HashSet<>();
        Set<String> bounced = new HashSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (stored.size() + bounced.size() < sent && System.nanoTime() < deadline) {
            drain(desk, stored, null);
            drain(bob, bounced, alice);
        }

        Set<String> missing = new TreeSet<>();
        for (int i = 0; i < sent; i++) {
            String id = "m-" + i;
            if (!stored.contains(id) && !bounced.contains(id)) missing.add(id);
        }
        assertEquals(Set.of(), missing, "lost: neither stored nor bounced (stored " + stored.size() + ", bounced "
                + bounced.size() + ")");
        assertEquals(sent, stored.size() + bounced.size(), "a message was both stored and bounced");
        assertTrue(!bounced.isEmpty(), "the stash never overflowed: the test shows nothing");
        assertEquals(bounced.size(), counter("xmpp_stanzas_bounced_overload") - bouncedBefore, 0.0);
    }

    @Test
    void messagesSubscriptionsAndRequestsAreAnsweredButNotPresenceUpdatesErrorsResultsOrCarbons() {
        Jid alice = node.newAccount("alice");
        Session bob = node.bind(node.newAccount("bob"), "phone");
        Element message = chat(bob.jid(), alice, "message");
        Element subscribe = presence(bob.jid(), alice, "subscribe", "subscribe");
        Element request = iq(bob.jid(), alice, "get", "request", Element.of("ping", Ping.NS));

        dropped(presence(bob.jid(), alice, null, "update"));
        dropped(chat(bob.jid(), alice, "error").withAttr("type", "error"));
        dropped(iq(bob.jid(), alice, "result", "result", Element.of("ping", Ping.NS)));
        dropped(chat(bob.jid(), alice, "carbon").withChildren(java.util.List.<io.rookery.protocol.xml.Node>of(
                Element.builder("received", Carbons.NS).build())));
        dropped(message);
        dropped(subscribe);
        dropped(request);

        for (Element original : new Element[] {message, subscribe, request}) {
            Element reply = bob.nextStanza();
            assertEquals(original.attr("id"), reply.attr("id"), "only these are answered, in order: " + reply);
            assertResourceConstraint(original, reply);
        }
        bob.probe().expectNoMessage(Duration.ofMillis(300));
    }

    /** RFC 6120 §8.3.3.18: resource-constraint, type wait, to the sender from the address it wrote to. */
    private static void assertResourceConstraint(Element original, Element reply) {
        assertEquals(original.name(), reply.name(), reply::toString);
        assertEquals("error", reply.attr("type"), reply::toString);
        assertEquals(original.attr("from"), reply.attr("to"), reply::toString);
        assertEquals(original.attr("to"), reply.attr("from"), reply::toString);
        Element error = reply.child("error", Namespaces.CLIENT);
        assertNotNull(error, reply::toString);
        assertEquals("wait", error.attr("type"), reply::toString);
        assertNotNull(error.child("resource-constraint", Namespaces.STANZAS), reply::toString);
    }

    /** Takes what reaches a session within a short wait; bounces must come from the recipient's bare JID. */
    private static void drain(Session session, Set<String> ids, Jid bouncedBy) {
        for (SessionProtocol.Message m = poll(session, 200); m != null; m = poll(session, 50)) {
            if (!(m instanceof SessionProtocol.Deliver d) || !"message".equals(d.stanza().name())) continue;
            Element stanza = d.stanza();
            if (bouncedBy != null) {
                assertResourceConstraint(chat(session.jid(), bouncedBy, stanza.attr("id")), stanza);
            } else {
                assertTrue(!"error".equals(stanza.attr("type")), stanza::toString);
            }
            assertTrue(ids.add(stanza.attr("id")), () -> "twice: " + stanza);
        }
    }

    private static SessionProtocol.Message poll(Session session, long millis) {
        try {
            return session.probe().receiveMessage(Duration.ofMillis(millis));
        } catch (AssertionError nothing) {
            return null;
        }
    }

    /**
     * Returns once the entity answered a request sent after the flood: every earlier command was handled (its
     * write done) or dropped. The request itself may be dropped while the stash is full, so it is sent again.
     */
    private static void awaitIdle(Jid user) {
        TestProbe<UserEntity.CredentialsResult> reply = node.testKit.createTestProbe();
        for (int attempt = 0; attempt < 100; attempt++) {
            node.router.user(user).tell(new UserEntity.GetCredentials(io.rookery.protocol.sasl.ScramHash.SHA_256,
                    reply.getRef()));
            try {
                reply.expectMessageClass(UserEntity.CredentialsResult.class, Duration.ofMillis(500));
                return;
            } catch (AssertionError dropped) {
                // try again
            }
        }
        throw new AssertionError(user + " never became idle");
    }

    /** Until the bouncer's subscription to Dropped is in place, what is published goes unseen. */
    private static void awaitSubscribed() {
        Session watcher = node.bind(node.newAccount("watcher"), "probe");
        Jid nobody = SingleNode.freshJid("nobody");
        for (int attempt = 0; attempt < 50; attempt++) {
            dropped(chat(watcher.jid(), nobody, "ready-" + attempt));
            try {
                watcher.probe().expectMessageClass(SessionProtocol.Deliver.class, Duration.ofMillis(200));
                return;
            } catch (AssertionError notYet) {
                // try again
            }
        }
        throw new AssertionError("the bouncer never subscribed");
    }

    /** Publishes what Pekko publishes when a Deliver finds the stash full. */
    private static void dropped(Element stanza) {
        Jid to = SingleNode.jid(stanza.attr("to"));
        var recipient = Adapter.toClassic(node.testKit.system().deadLetters());
        node.testKit.system().eventStream().tell(new EventStream.Publish<>(new Dropped(
                new UserEntity.Deliver(stanza, to), "Stash buffer is full",
                org.apache.pekko.actor.ActorRef.noSender(), recipient)));
    }

    private static Element presence(Jid from, Jid to, String type, String id) {
        Element.Builder b = Element.builder("presence", Namespaces.CLIENT).attr("from", from.toString())
                .attr("to", to.toString()).attr("id", id);
        if (type != null) b.attr("type", type);
        return b.build();
    }

    private static double counter(String name) {
        double sum = 0;
        for (MetricSnapshot s : metrics.registry().scrape()) {
            if (s.getMetadata().getName().equals(name) && s instanceof CounterSnapshot c) {
                for (var p : c.getDataPoints()) sum += p.getValue();
            }
        }
        return sum;
    }
}
