package io.rookery.persistence.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.rookery.persistence.blocking.Blocklist;
import io.rookery.persistence.kryo.RookeryKryoSerializer;
import io.rookery.persistence.offline.OfflineMessage;
import io.rookery.persistence.offline.OfflineQueue;
import io.rookery.persistence.privatexml.PrivateXmlEntries;
import io.rookery.persistence.roster.RosterItem;
import io.rookery.persistence.roster.Subscription;
import io.rookery.persistence.vcard.StoredVCard;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.sasl.ScramHash;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-module snapshot layout (ids 120-124). Snapshots hold these bytes for years: if a test here fails, the
 * change breaks stored data; add a new class with a new id instead. Never edit an expected hex string.
 */
class SnapshotV3FrozenBytesTest {
    private static final ScramCredentials SHA_256 = new ScramCredentials(ScramHash.SHA_256,
            new byte[] {(byte) 0xa1, (byte) 0xa2}, 10_000, new byte[] {(byte) 0xb1}, new byte[] {(byte) 0xc1});
    private static final RosterItem JULIET = new RosterItem("juliet@example.com", "Juliet",
            List.of("Friends"), Subscription.BOTH, false, true);
    private static final OfflineMessage HELLO = new OfflineMessage("<message><body>é</body></message>",
            1_700_000_000_123L);

    private static ActorSystem<Void> system;
    private static RookeryKryoSerializer serializer;

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "snapshot-v3-frozen-bytes-test",
                ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        serializer = (RookeryKryoSerializer) SerializationExtension.get(system)
                .findSerializerFor(new StoredVCard(""));
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
    void theModulesPartsKeepTheirBytes() {
        assertFrozen(new OfflineQueue(List.of(HELLO)),
                "7b01233c6d6573736167653e3c626f64793ec3a93c2f626f64793e3c2f6d6573736167653e7b68e5cf8b010000");
        assertFrozen(new Blocklist(List.of("spam@example.org", "example.net")),
                "7c02117370616d406578616d706c652e6f72670c6578616d706c652e6e6574");
        assertFrozen(new StoredVCard("<vCard xmlns='vcard-temp'/>"),
                "7d1c3c764361726420786d6c6e733d2776636172642d74656d70272f3e");
        assertFrozen(new PrivateXmlEntries(Map.of("a b", "<a xmlns='b'/>")),
                "7e01046120620f3c6120786d6c6e733d2762272f3e");
    }

    @Test
    void userSnapshotV3KeepsItsBytes() {
        assertFrozen(new UserSnapshotV3(List.of(SHA_256), true, List.of(JULIET), 4L,
                Map.of("romeo@example.net", "<presence/>"),
                List.of(new OfflineQueue(List.of(HELLO)), new Blocklist(List.of("spam@example.org")))),
                "7a010202a1a2904e01b101c10101136a756c696574406578616d706c652e636f6d074a756c6965740108467269656e64"
                + "7303000104000000000000000112726f6d656f406578616d706c652e6e65740c3c70726573656e63652f3e027b01233c"
                + "6d6573736167653e3c626f64793ec3a93c2f626f64793e3c2f6d6573736167653e7b68e5cf8b0100007c01117370616d"
                + "406578616d706c652e6f7267");
        assertFrozen(new UserSnapshotV3(List.of(), false, List.of(), 0L, Map.of(), List.of()),
                "7a00000000000000000000000000");
    }

    @Test
    void aPartOfAnUnregisteredClassIsNotWritten() {
        // Only registered records can be parts: anything else fails on write instead of landing in a snapshot.
        assertThrows(RuntimeException.class, () -> serializer.toBinary(new UserSnapshotV3(List.of(), true,
                List.of(), 0L, Map.of(), List.of(new io.rookery.persistence.kryo.KryoSerializable() {}))));
    }
}
