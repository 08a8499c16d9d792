package io.rookery.persistence.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rookery.persistence.kryo.RookeryKryoSerializer;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.sasl.ScramHash;
import java.util.HexFormat;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Journals and snapshots hold these bytes for years. If a test here fails, the change breaks stored data: revert
 * it and add a new class with a new id instead (see the package documentation). Never edit an expected hex string.
 */
class UserEventsFrozenBytesTest {

    private static final ScramCredentials SHA_1 = new ScramCredentials(ScramHash.SHA_1,
            new byte[] {1, 2, 3, 4}, 4096, new byte[] {5, 6, 7, 8}, new byte[] {9, 10, 11, 12});
    private static final ScramCredentials SHA_256 = new ScramCredentials(ScramHash.SHA_256,
            new byte[] {(byte) 0xa1, (byte) 0xa2}, 10_000, new byte[] {(byte) 0xb1}, new byte[] {(byte) 0xc1});
    private static final ScramCredentials SHA_512 = new ScramCredentials(ScramHash.SHA_512,
            new byte[] {0x7f}, 1, new byte[] {}, new byte[] {0x00, (byte) 0xff});

    private static ActorSystem<Void> system;
    private static RookeryKryoSerializer serializer;

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "user-frozen-bytes-test",
                ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        // The instance Pekko made; used directly because the SCRAM types alone have no Pekko binding.
        serializer = (RookeryKryoSerializer) SerializationExtension.get(system)
                .findSerializerFor(new AccountDeleted(0L));
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    private static String hexOf(Object o) {
        return HexFormat.of().formatHex(serializer.toBinary(o));
    }

    private static Object read(String hex) {
        return serializer.fromBinary(HexFormat.of().parseHex(hex));
    }

    private static void assertFrozen(Object value, String hex) {
        assertEquals(hex, hexOf(value), () -> "layout of " + value.getClass().getSimpleName() + " changed");
        assertEquals(value, read(hex));
    }

    @Test
    void accountCreatedKeepsItsBytes() {
        assertFrozen(new AccountCreated(List.of(SHA_1, SHA_256), 1_700_000_000_123L),
                "68020104010203048020040506070804090a0b0c0202a1a2904e01b101c17b68e5cf8b010000");
    }

    @Test
    void passwordChangedKeepsItsBytes() {
        assertFrozen(new PasswordChanged(List.of(SHA_512), 1_700_000_999_000L), "690103017f01000200ff58a6f4cf8b010000");
    }

    @Test
    void accountDeletedKeepsItsBytes() {
        assertFrozen(new AccountDeleted(1_700_001_000_000L), "6a40aaf4cf8b010000");
    }

    @Test
    void accountDisabledAndEnabledKeepTheirBytes() {
        // Ids 130 and 131: two-byte varints (id + 2), then the 8-byte time.
        assertFrozen(new AccountDisabled(1_700_002_000_000L), "840180ec03d08b010000");
        assertFrozen(new AccountEnabled(1_700_003_000_000L), "8501c02e13d08b010000");
    }

    @Test
    void userSnapshotKeepsItsBytes() {
        assertFrozen(new UserSnapshot(List.of(SHA_256), true), "6b010202a1a2904e01b101c101");
        assertFrozen(new UserSnapshot(List.of(), false), "6b0000");
    }

    @Test
    void scramValuesOnTheirOwnKeepTheirBytes() {
        assertFrozen(SHA_1, "660104010203048020040506070804090a0b0c");
        assertFrozen(ScramHash.SHA_1, "6701");
        assertFrozen(ScramHash.SHA_256, "6702");
        assertFrozen(ScramHash.SHA_512, "6703");
    }

    @Test
    void refusesAnUnknownHashCode() {
        String good = hexOf(new AccountCreated(List.of(SHA_1), 0L));
        // class id, list size, then the first credential's hash code.
        String bad = good.substring(0, 4) + "09" + good.substring(6);
        var e = assertThrows(IllegalArgumentException.class, () -> read(bad));
        assertTrue(e.getMessage().contains("unknown SCRAM hash code 9"), e.getMessage());
    }

    @Test
    void refusesAnAbsurdFieldLengthWithoutAllocatingIt() {
        String good = hexOf(new AccountCreated(List.of(SHA_1), 0L));
        // The salt length (4) becomes a 5-byte varint of about 2 GB.
        String bad = good.substring(0, 6) + "ffffffff07" + good.substring(8);
        var e = assertThrows(IllegalArgumentException.class, () -> read(bad));
        assertTrue(e.getMessage().contains("SCRAM field of"), e.getMessage());
    }
}
