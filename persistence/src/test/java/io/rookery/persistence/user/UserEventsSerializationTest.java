package io.rookery.persistence.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.rookery.persistence.kryo.RookeryKryoSerializer;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.sasl.ScramHash;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UserEventsSerializationTest {

    private static ActorSystem<Void> system;
    private static Serialization serialization;

    @BeforeAll
    static void start() {
        // Only this module's reference.conf: the user events must work with the defaults alone.
        system = ActorSystem.create(Behaviors.empty(), "user-events-test",
                ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        serialization = SerializationExtension.get(system);
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    static List<Object> samples() {
        ScramCredentials sha1 = ScramCredentials.derive(ScramHash.SHA_1, "pencil", "salt-one".getBytes(), 4096);
        ScramCredentials sha256 = ScramCredentials.derive(ScramHash.SHA_256, "pencil", "salt-two".getBytes(), 4096);
        ScramCredentials sha512 = ScramCredentials.derive(ScramHash.SHA_512, "päss", "salt-3".getBytes(), 10_000);
        return List.of(
                new AccountCreated(List.of(sha1, sha256), 1_700_000_000_123L),
                new AccountCreated(List.of(), 0L),
                new PasswordChanged(List.of(sha256, sha512), 1_700_000_999_000L),
                new PasswordChanged(List.of(sha512), -1L),
                new AccountDeleted(1_700_001_000_000L),
                new AccountDeleted(Long.MAX_VALUE),
                new UserSnapshot(List.of(sha1, sha256, sha512), true),
                new UserSnapshot(List.of(), false));
    }

    @Test
    void roundTripsEveryEventAndSnapshotThroughPekkoSerialization() {
        for (Object sample : samples()) {
            assertInstanceOf(RookeryKryoSerializer.class, serialization.findSerializerFor(sample));
            byte[] bytes = serialization.serialize(sample).get();
            Object back = serialization.deserialize(bytes, RookeryKryoSerializer.IDENTIFIER, "").get();
            assertEquals(sample, back, () -> "round trip of " + sample);
        }
    }

    @Test
    void readsCredentialsBackAsAnImmutableList() {
        AccountCreated created = (AccountCreated) samples().get(0);
        AccountCreated back = (AccountCreated) roundTrip(created);
        assertThrows(UnsupportedOperationException.class, () -> back.credentials().clear());
    }

    @Test
    void keepsItsOwnCopyOfTheCredentialsList() {
        ScramCredentials sha1 = ScramCredentials.derive(ScramHash.SHA_1, "pencil", new byte[] {1, 2}, 4096);
        List<ScramCredentials> mutable = new ArrayList<>(List.of(sha1));
        UserSnapshot snapshot = new UserSnapshot(mutable, true);
        mutable.clear();
        assertEquals(List.of(sha1), snapshot.credentials());
        assertThrows(NullPointerException.class, () -> new PasswordChanged(null, 1L));
    }

    private static Object roundTrip(Object o) {
        byte[] bytes = serialization.serialize(o).get();
        return serialization.deserialize(bytes, RookeryKryoSerializer.IDENTIFIER, "").get();
    }
}
