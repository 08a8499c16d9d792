package io.rookery.persistence.kryo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.persistence.kryo.TestMessages.Holder;
import io.rookery.persistence.kryo.TestMessages.Ping;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.internal.adapter.ActorRefAdapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KryoActorRefSerializerTest {

    private static ActorSystem<Void> system;
    private static Serialization serialization;

    @BeforeAll
    static void start() {
        system = KryoTestSystem.start("kryo-actor-ref-test");
        serialization = SerializationExtension.get(system);
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    private static ActorRef<String> spawnForwarder(String name, CompletableFuture<String> received) {
        return system.systemActorOf(Behaviors.receiveMessage(message -> {
            received.complete(message);
            return Behaviors.same();
        }), name, Props.empty());
    }

    /** The registry registers this class explicitly; if Pekko changes it, this names the cause. */
    @Test
    void spawnedTypedRefsAreInstancesOfPekkosAdapterClass() {
        ActorRef<String> ref = spawnForwarder("adapter-class", new CompletableFuture<>());
        assertEquals(ActorRefAdapter.class, ref.getClass());
    }

    @Test
    void aDeserializedRefDeliversMessagesToTheSpawnedActor() throws Exception {
        CompletableFuture<String> received = new CompletableFuture<>();
        ActorRef<String> ref = spawnForwarder("forwarder", received);

        byte[] bytes = serialization.serialize(new Ping("hello", ref)).get();
        Ping back = (Ping) serialization.deserialize(bytes, RookeryKryoSerializer.IDENTIFIER, "").get();

        assertNotSame(ref, back.replyTo());
        assertEquals(ref, back.replyTo());
        back.replyTo().tell(back.text());
        assertEquals("hello", received.get(5, TimeUnit.SECONDS));
    }

    @Test
    void writesTheRefAsItsPathWithTheSystemAddress() {
        ActorRef<String> ref = spawnForwarder("path-check", new CompletableFuture<>());
        byte[] bytes = serialization.serialize(new Ping("p", ref)).get();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("pekko://kryo-actor-ref-test/system/path-check#"), text);
    }

    /** The system adapter has no registration of its own: the ActorRef fallback covers it. */
    @Test
    void writesOtherTypedRefClassesUnderTheActorRefId() {
        assertNotSame(ActorRefAdapter.class, system.getClass());
        byte[] bytes = serialization.serialize(new Holder(system)).get();
        Holder back = (Holder) serialization.deserialize(bytes, RookeryKryoSerializer.IDENTIFIER, "").get();
        ActorRef<?> ref = assertInstanceOf(ActorRef.class, back.value());
        assertEquals(system.path(), ref.path());
    }
}
