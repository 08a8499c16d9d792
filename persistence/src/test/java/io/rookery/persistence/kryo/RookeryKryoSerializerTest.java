package io.rookery.persistence.kryo;

import static io.rookery.persistence.kryo.KryoTestSystem.hex;
import static io.rookery.persistence.kryo.KryoTestSystem.unhex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.persistence.kryo.TestMessages.Holder;
import io.rookery.persistence.kryo.TestMessages.JavaOnly;
import io.rookery.persistence.kryo.TestMessages.Unregistered;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.util.Try;

class RookeryKryoSerializerTest {

    private static ActorSystem<Void> system;
    private static Serialization serialization;
    private static RookeryKryoSerializer serializer;

    @BeforeAll
    static void start() {
        system = KryoTestSystem.start("kryo-serializer-test");
        serialization = SerializationExtension.get(system);
        serializer = KryoTestSystem.serializer(system);
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    @Test
    void bindsKryoSerializableClassesToTheKryoSerializerWithoutManifest() {
        var found = serialization.findSerializerFor(new Holder("x"));
        assertInstanceOf(RookeryKryoSerializer.class, found);
        assertEquals(7331, found.identifier());
        assertFalse(found.includeManifest());
    }

    @Test
    void roundTripsThroughPekkoSerialization() {
        Holder holder = new Holder(List.of("a", "b"));
        byte[] bytes = serialization.serialize(holder).get();
        assertEquals(holder, serialization.deserialize(bytes, 7331, "").get());
    }

    @Test
    void roundTripsTheCommonJdkClasses() {
        List<Object> values = List.of(
                List.of(), List.of("a"), List.of("a", "b", "c"), new ArrayList<>(List.of(1L, 2L)),
                Map.of(), Map.of("k", 1), Map.of("a", 1, "b", 2), new HashMap<>(Map.of("h", true)),
                new LinkedHashMap<>(Map.of("l", 1.5)), Set.of(), Set.of("s"), Set.of(1, 2, 3),
                new LinkedHashSet<>(List.of("x", "y")), UUID.fromString("0f0e0d0c-0b0a-0908-0706-050403020100"),
                Instant.ofEpochSecond(1_700_000_000L, 123), Duration.ofMillis(1500), 42, 7L, "text", true);
        for (Object value : values) {
            assertEquals(value, serializer.fromBinary(serializer.toBinary(value)), () -> "round trip of " + value);
        }
        byte[] bytes = {1, 2, 3};
        assertArrayEquals(bytes, (byte[]) serializer.fromBinary(serializer.toBinary(bytes)));
        int[] ints = {-1, 0, 1};
        assertArrayEquals(ints, (int[]) serializer.fromBinary(serializer.toBinary(ints)));
        String[] strings = {"a", null};
        assertArrayEquals(strings, (String[]) serializer.fromBinary(serializer.toBinary(strings)));
    }

    @Test
    void readsImmutableListsBackAsImmutableLists() {
        @SuppressWarnings("unchecked")
        List<String> back = (List<String>) serializer.fromBinary(serializer.toBinary(List.of("a", "b", "c")));
        assertThrows(UnsupportedOperationException.class, () -> back.add("d"));
    }

    /** Kryo's own serializers for JDK classes must not move a byte under a Kryo upgrade. */
    @Test
    void freezesTheBytesOfTheCommonJdkClasses() {
        List<Frozen> frozen = List.of(
                new Frozen(List.of("a", "b", "c"), "118403826182628263"),
                new Frozen(List.of("a"), "1282038261"),
                new Frozen(new ArrayList<>(List.of("a")), "108203008261"),
                new Frozen(Map.of("k", 1), "160203826b0202"),
                new Frozen(UUID.fromString("0f0e0d0c-0b0a-0908-0706-050403020100"),
                        "1b08090a0b0c0d0e0f0001020304050607"),
                new Frozen(Instant.ofEpochSecond(1_700_000_000L, 123), "1c80e2cfaa067b"),
                new Frozen(Duration.ofMillis(1500), "1d010000000000000080cab5ee01"),
                new Frozen(new Holder(7L), "8707090e"));
        StringBuilder changed = new StringBuilder();
        for (Frozen f : frozen) {
            String actual = hex(serializer.toBinary(f.value()));
            if (!actual.equals(f.hex())) {
                changed.append("\n").append(f.value().getClass().getName()).append(' ').append(f.value())
                        .append(": ").append(actual).append(" (frozen: ").append(f.hex()).append(')');
            }
        }
        assertEquals("", changed.toString(), "serialized layouts changed");
    }

    private record Frozen(Object value, String hex) {
    }

    @Test
    void refusesAnUnregisteredClassWithAClearMessage() {
        Try<byte[]> result = serialization.serialize(new Unregistered("x"));
        assertTrue(result.isFailure());
        Throwable failure = result.failed().get();
        assertInstanceOf(IllegalArgumentException.class, failure);
        assertTrue(failure.getMessage().contains(Unregistered.class.getName()), failure.getMessage());
        assertTrue(failure.getMessage().contains("rookery.kryo.registrars"), failure.getMessage());
    }

    @Test
    void namesTheUnregisteredClassEvenWhenItIsNested() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> serializer.toBinary(new Holder(new Unregistered("x"))));
        assertTrue(e.getMessage().contains("cannot serialize " + Holder.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("class " + Unregistered.class.getName() + " has no Kryo id"),
                e.getMessage());
    }

    @Test
    void refusesAnUnknownIdOnRead() {
        // Kryo writes id + 2 as a varint: 1001 is 0xe9 0x07.
        var e = assertThrows(IllegalArgumentException.class, () -> serializer.fromBinary(unhex("e907")));
        assertTrue(e.getMessage().contains("999"), e.getMessage());
    }

    @Test
    void refusesBytesLeftOverAfterTheObject() {
        byte[] bytes = serializer.toBinary(new Holder("x"));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        var e = assertThrows(IllegalArgumentException.class, () -> serializer.fromBinary(longer));
        assertTrue(e.getMessage().contains("1 bytes left over"), e.getMessage());
    }

    @Test
    void refusesTruncatedBytes() {
        byte[] bytes = serializer.toBinary(new Holder("a longer text"));
        assertThrows(IllegalArgumentException.class,
                () -> serializer.fromBinary(Arrays.copyOf(bytes, bytes.length - 3)));
    }

    @Test
    void leavesJavaSerializationOff() {
        assertTrue(serialization.serialize(new JavaOnly("x")).isFailure());
    }

    @Test
    void growsPastTheInitialBufferAndRefusesObjectsOverTheMaximum() {
        KryoSettings settings = new KryoSettings(List.of(TestMessages.Registrar.class.getName()), 64, 1024, 1, 64);
        RookeryKryoSerializer small = new RookeryKryoSerializer(settings,
                ActorRefResolver.get(system), getClass().getClassLoader());
        Holder big = new Holder("x".repeat(900));
        assertEquals(big, small.fromBinary(small.toBinary(big)));
        var e = assertThrows(IllegalArgumentException.class, () -> small.toBinary(new Holder("x".repeat(2000))));
        assertTrue(e.getMessage().contains("cannot serialize " + Holder.class.getName()), e.getMessage());
        // The pool recovers from the failure.
        assertEquals(new Holder("y"), small.fromBinary(small.toBinary(new Holder("y"))));
    }

    @Test
    void refusesObjectGraphsDeeperThanTheMaximumDepth() {
        KryoSettings settings = new KryoSettings(List.of(TestMessages.Registrar.class.getName()), 64, 1 << 20, 1, 16);
        RookeryKryoSerializer shallow = new RookeryKryoSerializer(settings,
                ActorRefResolver.get(system), getClass().getClassLoader());
        Object deep = "leaf";
        for (int i = 0; i < 40; i++) {
            deep = new Holder(deep);
        }
        Object tooDeep = deep;
        assertThrows(IllegalArgumentException.class, () -> shallow.toBinary(tooDeep));
        byte[] deepBytes = serializer.toBinary(tooDeep);
        assertThrows(IllegalArgumentException.class, () -> shallow.fromBinary(deepBytes));
    }
}
