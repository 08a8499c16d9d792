package io.rookery.persistence.kryo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.typesafe.config.ConfigFactory;
import io.rookery.persistence.kryo.TestMessages.Holder;
import io.rookery.persistence.kryo.TestMessages.Ping;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KryoRegistryTest {

    private static ActorSystem<Void> system;

    @BeforeAll
    static void start() {
        system = KryoTestSystem.start("kryo-registry-test");
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    private static KryoRegistry freshRegistry() {
        RookeryClassResolver classes = new RookeryClassResolver();
        Kryo kryo = new Kryo(classes, null);
        return new KryoRegistry(kryo, classes, ActorRefResolver.get(system));
    }

    private static RookeryKryoSerializer serializerWith(String... registrars) {
        KryoSettings settings = new KryoSettings(List.of(registrars), 4096, 1 << 20, 2, 64);
        return new RookeryKryoSerializer(settings, ActorRefResolver.get(system),
                KryoRegistryTest.class.getClassLoader());
    }

    @Test
    void refusesAnIdGivenTwice() {
        KryoRegistry registry = freshRegistry();
        registry.register(Holder.class, 500);
        var e = assertThrows(IllegalArgumentException.class, () -> registry.register(Ping.class, 500));
        assertTrue(e.getMessage().contains("Kryo id 500 is already taken by " + Holder.class.getName()),
                e.getMessage());
    }

    @Test
    void refusesAClassGivenTwice() {
        KryoRegistry registry = freshRegistry();
        registry.register(Holder.class, 500);
        var e = assertThrows(IllegalArgumentException.class, () -> registry.register(Holder.class, 501));
        assertTrue(e.getMessage().contains("already registered with Kryo id 500"), e.getMessage());
    }

    @Test
    void refusesTheIdsKryoKeepsForItself() {
        KryoRegistry registry = freshRegistry();
        assertThrows(IllegalArgumentException.class, () -> registry.register(Holder.class, 9));
        assertThrows(IllegalArgumentException.class, () -> registry.register(String.class, 500));
    }

    @Test
    void failsAtStartupWhenARegistrarClashesWithTheCommonIds() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> serializerWith(TestMessages.ClashingRegistrar.class.getName()));
        assertTrue(e.getMessage().contains("Kryo id 15 is already taken"), e.getMessage());
    }

    @Test
    void failsAtStartupWhenARegistrarIsMissing() {
        var e = assertThrows(IllegalArgumentException.class, () -> serializerWith("io.rookery.NoSuchRegistrar"));
        assertEquals("rookery.kryo.registrars entry io.rookery.NoSuchRegistrar: no such class", e.getMessage());
    }

    @Test
    void failsAtStartupWhenAListedClassIsNoRegistrar() {
        var e = assertThrows(IllegalArgumentException.class, () -> serializerWith("java.lang.String"));
        assertTrue(e.getMessage().contains("does not implement " + KryoRegistrar.class.getName()), e.getMessage());
    }

    @Test
    void failsAtStartupWhenARegistrarHasNoPublicConstructor() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> serializerWith(TestMessages.NoPublicConstructorRegistrar.class.getName()));
        assertTrue(e.getMessage().contains("needs a public no-arg constructor"), e.getMessage());
    }

    @Test
    void registrarsOfOtherModulesComeAfterTheListedOnesInKeyOrder() {
        KryoSettings settings = KryoSettings.fromConfig(ConfigFactory.parseString("""
                rookery.kryo.module-registrars { zeta = "z.Registrar", alpha = "a.Registrar" }
                """).withFallback(ConfigFactory.load()));
        assertEquals(List.of("io.rookery.persistence.user.UserEventsRegistrar",
                "io.rookery.persistence.user.ImEventsRegistrar", "io.rookery.persistence.muc.MucEventsRegistrar",
                "io.rookery.persistence.pep.PepEventsRegistrar", "io.rookery.persistence.pubsub.PubSubEventsRegistrar",
                "io.rookery.persistence.fast.FastEventsRegistrar", "a.Registrar",
                "z.Registrar"), settings.registrars());
    }

    @Test
    void readsTheDefaultsFromReferenceConf() {
        KryoSettings settings = KryoSettings.fromConfig(ConfigFactory.load());
        assertEquals(List.of("io.rookery.persistence.user.UserEventsRegistrar",
                "io.rookery.persistence.user.ImEventsRegistrar", "io.rookery.persistence.muc.MucEventsRegistrar",
                "io.rookery.persistence.pep.PepEventsRegistrar", "io.rookery.persistence.pubsub.PubSubEventsRegistrar",
                "io.rookery.persistence.fast.FastEventsRegistrar"), settings.registrars());
        assertEquals(4096, settings.bufferSize());
        assertEquals(32 * 1024 * 1024, settings.maxBufferSize());
    }

    @Test
    void listsARegistrarNamedTwiceOnlyOnce() {
        String name = TestMessages.Registrar.class.getName();
        assertEquals(List.of(name), new KryoSettings(List.of(name, name), 4096, 8192, 1, 64).registrars());
        serializerWith(name, name);
    }

    @Test
    void refusesSettingsOutOfBounds() {
        assertThrows(IllegalArgumentException.class, () -> new KryoSettings(List.of(), 4096, 8192, 0, 64));
        assertThrows(IllegalArgumentException.class, () -> new KryoSettings(List.of(), 4096, 1024, 1, 64));
    }
}
