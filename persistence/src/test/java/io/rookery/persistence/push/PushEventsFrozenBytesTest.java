package io.rookery.persistence.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.rookery.persistence.kryo.RookeryKryoSerializer;
import java.util.HexFormat;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * User journals and snapshots hold these bytes for as long as the accounts live. If a test here fails, the change
 * breaks stored accounts: revert it and add a new class with a new id instead. Never edit an expected hex string.
 */
class PushEventsFrozenBytesTest {
    private static ActorSystem<Void> system;
    private static RookeryKryoSerializer serializer;

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "push-frozen-bytes-test",
                ConfigFactory.parseString("""
                pekko.loglevel = WARNING
                rookery.kryo.module-registrars.push = "io.rookery.persistence.push.PushEventsRegistrar"
                """).withFallback(ConfigFactory.load()));
        serializer = (RookeryKryoSerializer) SerializationExtension.get(system)
                .findSerializerFor(new PushDisabled("push.example", null));
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    private static void assertFrozen(Object value, String hex) {
        assertEquals(hex, HexFormat.of().formatHex(serializer.toBinary(value)),
                () -> "layout of " + value.getClass().getSimpleName() + " changed");
        assertEquals(value, serializer.fromBinary(HexFormat.of().parseHex(hex)));
    }

    private static final PushEnabled WITH_OPTIONS = new PushEnabled("push-5.client.example", "yxs32uqsflafdk3iuqo",
            "<x xmlns='jabber:x:data'><field var='secret'><value>eruio</value></field></x>", "phone",
            1_765_000_000_000L);
    private static final PushEnabled PLAIN = new PushEnabled("push.example", "n", null, null, 0);

    @Test
    void registrationEventsKeepTheirBytes() {
        assertFrozen(WITH_OPTIONS, "b20416707573682d352e636c69656e742e6578616d706c65147978733332757173666c6166646b336975716f4e3c7820786d6c6e733d276a61626265723a783a64617461273e3c6669656c64207661723d27736563726574273e3c76616c75653e657275696f3c2f76616c75653e3c2f6669656c643e3c2f783e0670686f6e6580e4ca91af33");
        assertFrozen(PLAIN, "b2040d707573682e6578616d706c65026e000000");
        assertFrozen(new PushDisabled("push-5.client.example", "yxs32uqsflafdk3iuqo"), "b30416707573682d352e636c69656e742e6578616d706c65147978733332757173666c6166646b336975716f");
        assertFrozen(new PushDisabled("push-5.client.example", null), "b30416707573682d352e636c69656e742e6578616d706c6500");
    }

    @Test
    void theRegistrationsSnapshotKeepsItsBytes() {
        assertFrozen(new PushRegistrations(List.of(WITH_OPTIONS, PLAIN)), "b4040216707573682d352e636c69656e742e6578616d706c65147978733332757173666c6166646b336975716f4e3c7820786d6c6e733d276a61626265723a783a64617461273e3c6669656c64207661723d27736563726574273e3c76616c75653e657275696f3c2f76616c75653e3c2f6669656c643e3c2f783e0670686f6e6580e4ca91af330d707573682e6578616d706c65026e000000");
        assertFrozen(new PushRegistrations(List.of()), "b40400");
    }

    @Test
    void aNodeLongerThanTheLimitIsNotWritten() {
        PushEnabled huge = new PushEnabled("push.example", "n".repeat(PushEventsRegistrar.MAX_NODE_BYTES + 1), null,
                null, 0);
        assertThrows(RuntimeException.class, () -> serializer.toBinary(huge));
    }
}
