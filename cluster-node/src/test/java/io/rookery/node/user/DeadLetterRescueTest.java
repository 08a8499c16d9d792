package io.rookery.node.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rookery.node.routing.DeadLetterRescue;
import io.rookery.node.user.SingleNode.Session;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.UnhandledMessage;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.util.MessageBufferMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stanzas that end as dead letters (an entity stopped by a shard handoff, a session that just stopped) are routed
 * again through the user's entity, a bounded number of times.
 */
class DeadLetterRescueTest {
    private static SingleNode node;

    @BeforeAll
    static void start() {
        node = SingleNode.start();
        node.testKit.spawn(DeadLetterRescue.create(node.router), "rescue");
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static Element chat(Jid to, String id) {
        return Element.builder("message", Namespaces.CLIENT).attr("from", "stranger@localhost/x")
                .attr("to", to.toString()).attr("type", "chat").attr("id", id)
                .child(Element.builder("body", Namespaces.CLIENT).text(id).build()).build();
    }

    private static void deadLetter(Object message) {
        var system = node.testKit.system();
        var nobody = Adapter.toClassic(system.deadLetters());
        system.eventStream().tell(new EventStream.Publish<>(new DeadLetter(message, nobody, nobody)));
    }

    private static Session available(Jid user, String resource) {
        Session s = node.bind(user, resource);
        node.becomeAvailable(s, 0);
        return s;
    }

    @Test
    void aMessageThatReachedAStoppedEntityOrSessionIsDeliveredAfterAll() {
        Jid alice = node.newAccount("alice");
        Session desk = available(alice, "desk");

        deadLetter(new UserEntity.Deliver(chat(alice, "to-entity"), alice));
        deadLetter(new ShardingEnvelope<>(alice.toString(), new UserEntity.Deliver(chat(alice, "in-envelope"), alice)));
        deadLetter(new SessionProtocol.Deliver(chat(desk.jid(), "to-session")));

        Set<String> got = new HashSet<>();
        for (int i = 0; i < 3; i++) got.add(desk.nextStanza().attr("id"));
        assertEquals(Set.of("to-entity", "in-envelope", "to-session"), got);
    }

    @Test
    void aRescuedMessageWhoseSenderRoutesItAgainToo() {
        // XEP-0198: the sender of a message that died with a node routes it again once its confirmation is late; the
        // rescue and the sender's copy reach the account, which delivers the message once and confirms both.
        Jid alice = node.newAccount("alice");
        Session desk = available(alice, "desk");
        var sender = node.testKit.<SessionProtocol.Message>createTestProbe();
        deadLetter(new UserEntity.Deliver(chat(alice, "twice-routed"), alice, 0, sender.getRef(), 11, false));
        assertEquals("twice-routed", desk.nextStanza().attr("id"));
        assertEquals(new SessionProtocol.Handled(11), sender.expectMessageClass(SessionProtocol.Handled.class));
        node.router.user(alice).tell(new UserEntity.Deliver(chat(alice, "twice-routed"), alice, 0, sender.getRef(),
                11, false, 1));
        assertEquals(new SessionProtocol.Handled(11), sender.expectMessageClass(SessionProtocol.Handled.class));
        node.router.user(alice).tell(new UserEntity.Deliver(chat(alice, "after"), alice));
        assertEquals("after", desk.nextStanza().attr("id"), "delivered once");
    }

    @Test
    void aMessageAShardLeftUnhandledWhileHandingOffIsDeliveredAfterAll() {
        // A shard that hands off its entities handles nothing but their termination: what reaches it meanwhile is
        // published as unhandled, not as a dead letter.
        Jid alice = node.newAccount("alice");
        Session desk = available(alice, "desk");
        var system = node.testKit.system();
        var nobody = Adapter.toClassic(system.deadLetters());
        system.eventStream().tell(new EventStream.Publish<>(new UnhandledMessage(
                new ShardingEnvelope<>(alice.toString(), new UserEntity.Deliver(chat(alice, "during-handoff"), alice)),
                nobody, nobody)));

        assertEquals("during-handoff", desk.nextStanza().attr("id"));
    }

    @Test
    void aMessageARegionOrAShardDroppedFromItsBufferIsDeliveredAfterAll() {
        // A shard region drops what it buffered for a shard when that shard's handoff starts; a shard drops what does
        // not fit an entity's buffer.
        Jid alice = node.newAccount("alice");
        Session desk = available(alice, "desk");
        var system = node.testKit.system();
        var nobody = Adapter.toClassic(system.deadLetters());
        // The region's own code: its MessageBufferMap sends each buffered message to the dead letters as a Dropped,
        // which the dead letters publish wrapped in a DeadLetter.
        MessageBufferMap<String> buffers = new MessageBufferMap<>();
        buffers.append("7", new ShardingEnvelope<>(alice.toString(),
                new UserEntity.Deliver(chat(alice, "at-handoff"), alice)), nobody);
        assertEquals(1, buffers.drop("7", "Avoiding reordering of buffered messages at shard handoff", nobody));
        // Published as such (Artery's report of what its full send queue dropped; its double, also a dead letter, is
        // covered by RemoteQueueOverflowRescueTest).
        system.eventStream().tell(new EventStream.Publish<>(new Dropped(
                new ShardingEnvelope<>(alice.toString(), new UserEntity.Deliver(chat(alice, "buffer-full"), alice)),
                "Buffer for [x] is full", nobody, nobody)));

        Set<String> got = new HashSet<>();
        for (int i = 0; i < 2; i++) got.add(desk.nextStanza().attr("id"));
        assertEquals(Set.of("at-handoff", "buffer-full"), got);
        desk.probe().expectNoMessage(Duration.ofSeconds(1));
    }

    @Test
    void aSessionsOwnRequestThatNeverReachedItsAccountIsSentAgain() {
        // A roster get sent while the account's entity was handed to another node: the client waits for its answer.
        Jid alice = node.newAccount("alice");
        Session desk = available(alice, "desk");
        Element rosterGet = Element.builder("iq", Namespaces.CLIENT).attr("from", desk.jid().toString())
                .attr("type", "get").attr("id", "roster-1")
                .child(Element.builder("query", "jabber:iq:roster").build()).build();
        deadLetter(new ShardingEnvelope<>(alice.toString(), new UserEntity.OwnIq("desk", rosterGet)));

        Element answer = desk.nextStanza();
        assertEquals("roster-1", answer.attr("id"));
        assertEquals("result", answer.attr("type"));
    }

    @Test
    void presenceUpdatesAndErrorsAreNotRescuedAndAStanzaIsGivenUpAfterSomeTries() {
        Jid alice = node.newAccount("alice");
        Session desk = available(alice, "desk");
        Element presence = Element.builder("presence", Namespaces.CLIENT).attr("from", "bob@localhost/x")
                .attr("to", alice.toString()).build();
        deadLetter(new UserEntity.Deliver(presence, alice));
        deadLetter(new UserEntity.Deliver(chat(alice, "error").withAttr("type", "error"), alice));
        // The same stanza failing again after each rescue: rescued MAX_RESCUES times, then given up.
        Element repeated = chat(alice, "repeated");
        for (int i = 0; i < DeadLetterRescue.MAX_RESCUES; i++) {
            deadLetter(new UserEntity.Deliver(repeated, alice));
            assertEquals("repeated", desk.nextStanza().attr("id"));
        }
        deadLetter(new UserEntity.Deliver(repeated, alice));
        desk.probe().expectNoMessage(Duration.ofSeconds(1));
    }
}
