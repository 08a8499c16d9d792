package io.rookery.persistence.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rookery.persistence.blocking.JidsBlocked;
import io.rookery.persistence.blocking.JidsUnblocked;
import io.rookery.persistence.kryo.RookeryKryoSerializer;
import io.rookery.persistence.mam.ArchivePrefs;
import io.rookery.persistence.mam.ArchivePrefsSet;
import io.rookery.persistence.offline.OfflineMessage;
import io.rookery.persistence.offline.OfflineMessageStored;
import io.rookery.persistence.offline.OfflineMessagesDelivered;
import io.rookery.persistence.offline.OfflineMessageSpooled;
import io.rookery.persistence.offline.OfflineSpool;
import io.rookery.persistence.offline.OfflineSpoolDelivered;
import io.rookery.persistence.privatexml.PrivateXmlStored;
import io.rookery.persistence.roster.RosterItem;
import io.rookery.persistence.roster.RosterItemRemoved;
import io.rookery.persistence.roster.RosterItemSaved;
import io.rookery.persistence.roster.Subscription;
import io.rookery.persistence.roster.SubscriptionRequestCleared;
import io.rookery.persistence.roster.SubscriptionRequestStored;
import io.rookery.persistence.vcard.VCardStored;
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
 * Journals and snapshots hold these bytes for years. If a test here fails, the change breaks stored data: revert
 * it and add a new class with a new id instead (see the package documentation). Never edit an expected hex string.
 */
class ImEventsFrozenBytesTest {

    private static final ScramCredentials SHA_256 = new ScramCredentials(ScramHash.SHA_256,
            new byte[] {(byte) 0xa1, (byte) 0xa2}, 10_000, new byte[] {(byte) 0xb1}, new byte[] {(byte) 0xc1});
    private static final RosterItem JULIET = new RosterItem("juliet@example.com", "Juliet",
            List.of("Friends", "Lovers"), Subscription.BOTH, false, true);
    private static final RosterItem NURSE =
            new RosterItem("nurse@example.com", null, List.of(), Subscription.NONE, true, false);
    private static final OfflineMessage HELLO = new OfflineMessage("<message><body>é</body></message>",
            1_700_000_000_123L);

    private static ActorSystem<Void> system;
    private static RookeryKryoSerializer serializer;

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "im-frozen-bytes-test",
                ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        // The instance Pekko made; used directly because the values inside events have no Pekko binding.
        serializer = (RookeryKryoSerializer) SerializationExtension.get(system)
                .findSerializerFor(new VCardStored(null));
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

    private static void assertRefused(String hex, String expected) {
        var e = assertThrows(IllegalArgumentException.class, () -> read(hex));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void subscriptionKeepsItsCodes() {
        assertFrozen(Subscription.NONE, "6c00");
        assertFrozen(Subscription.TO, "6c01");
        assertFrozen(Subscription.FROM, "6c02");
        assertFrozen(Subscription.BOTH, "6c03");
    }

    @Test
    void rosterItemKeepsItsBytes() {
        assertFrozen(JULIET,
                "6d136a756c696574406578616d706c652e636f6d074a756c6965740208467269656e6473074c6f76657273030001");
        assertFrozen(NURSE, "6d126e75727365406578616d706c652e636f6d0000000100");
    }

    @Test
    void rosterItemSavedKeepsItsBytes() {
        assertFrozen(new RosterItemSaved(JULIET, 7L), "6e136a756c696574406578616d706c652e636f6d074a756c696574"
                + "0208467269656e6473074c6f766572730300010700000000000000");
    }

    @Test
    void rosterItemRemovedKeepsItsBytes() {
        assertFrozen(new RosterItemRemoved("nurse@example.com", 8L),
                "6f126e75727365406578616d706c652e636f6d0800000000000000");
    }

    @Test
    void subscriptionRequestStoredKeepsItsBytes() {
        assertFrozen(new SubscriptionRequestStored("romeo@example.net", "<presence type='subscribe'/>"),
                "7012726f6d656f406578616d706c652e6e65741d3c70726573656e636520747970653d27737562736372696265272f3e");
    }

    @Test
    void subscriptionRequestClearedKeepsItsBytes() {
        assertFrozen(new SubscriptionRequestCleared("romeo@example.net"), "7112726f6d656f406578616d706c652e6e6574");
    }

    @Test
    void offlineMessageKeepsItsBytes() {
        assertFrozen(HELLO,
                "72233c6d6573736167653e3c626f64793ec3a93c2f626f64793e3c2f6d6573736167653e7b68e5cf8b010000");
        assertFrozen(new OfflineMessageStored(HELLO),
                "73233c6d6573736167653e3c626f64793ec3a93c2f626f64793e3c2f6d6573736167653e7b68e5cf8b010000");
    }

    @Test
    void offlineMessagesDeliveredKeepsItsBytes() {
        assertFrozen(new OfflineMessagesDelivered(0), "7400");
        assertFrozen(new OfflineMessagesDelivered(300), "74ac02");
    }

    @Test
    void offlineSpoolRecordsKeepTheirBytes() {
        assertFrozen(new OfflineMessageSpooled(5, 300), "7f05ac02");
        assertFrozen(new OfflineSpoolDelivered(7, 1000), "800107e807");
        assertFrozen(new OfflineSpool(List.of(HELLO), 3, 5, 40), "810101"
                + "233c6d6573736167653e3c626f64793ec3a93c2f626f64793e3c2f6d6573736167653e7b68e5cf8b010000" + "030528");
        assertFrozen(new OfflineSpool(List.of(), 0, 0, 0), "810100000000");
    }

    @Test
    void archivePreferencesKeepTheirBytes() {
        ArchivePrefs prefs = new ArchivePrefs(ArchivePrefs.ROSTER, List.of("romeo@example.net"), List.of());
        assertFrozen(prefs, "8201020112726f6d656f406578616d706c652e6e657400");
        assertFrozen(new ArchivePrefsSet(new ArchivePrefs(ArchivePrefs.ALWAYS, List.of(), List.of("a@b"))), "830100000104614062");
    }

    @Test
    void blockingEventsKeepTheirBytes() {
        assertFrozen(new JidsBlocked(List.of("spam@example.org", "example.net")),
                "7502117370616d406578616d706c652e6f72670c6578616d706c652e6e6574");
        assertFrozen(new JidsUnblocked(List.of("example.net")), "76010c6578616d706c652e6e6574");
        assertFrozen(new JidsUnblocked(List.of()), "7600");
    }

    @Test
    void vCardStoredKeepsItsBytes() {
        assertFrozen(new VCardStored("<vCard xmlns='vcard-temp'/>"),
                "771c3c764361726420786d6c6e733d2776636172642d74656d70272f3e");
        assertFrozen(new VCardStored(null), "7700");
    }

    @Test
    void privateXmlStoredKeepsItsBytes() {
        assertFrozen(new PrivateXmlStored("storage storage:bookmarks", "<storage xmlns='storage:bookmarks'/>"),
                "781a73746f726167652073746f726167653a626f6f6b6d61726b73"
                + "253c73746f7261676520786d6c6e733d2773746f726167653a626f6f6b6d61726b73272f3e");
    }

    @Test
    void userSnapshotV2KeepsItsBytes() {
        assertFrozen(new UserSnapshotV2(List.of(SHA_256), true, List.of(JULIET, NURSE), 9L,
                Map.of("romeo@example.net", "<presence/>", "benvolio@example.net", "<presence/>"),
                List.of(HELLO), List.of("spam@example.org"), "<vCard/>", Map.of("a b", "<a xmlns='b'/>")),
                "79010202a1a2904e01b101c101"
                + "02136a756c696574406578616d706c652e636f6d074a756c6965740208467269656e6473074c6f76657273030001"
                + "126e75727365406578616d706c652e636f6d0000000100"
                + "0900000000000000"
                + "021562656e766f6c696f406578616d706c652e6e65740c3c70726573656e63652f3e"
                + "12726f6d656f406578616d706c652e6e65740c3c70726573656e63652f3e"
                + "01233c6d6573736167653e3c626f64793ec3a93c2f626f64793e3c2f6d6573736167653e7b68e5cf8b010000"
                + "01117370616d406578616d706c652e6f7267"
                + "093c76436172642f3e"
                + "01046120620f3c6120786d6c6e733d2762272f3e");
        assertFrozen(new UserSnapshotV2(List.of(), false, List.of(), 0L, Map.of(), List.of(), List.of(), null,
                Map.of()), "7900000000000000000000000000000000");
    }

    @Test
    void refusesAnUnknownSubscriptionCode() {
        assertRefused("6c04", "unknown subscription code 4");
        // NURSE with subscription code 9.
        assertRefused("6d126e75727365406578616d706c652e636f6d0000090100", "unknown subscription code 9");
    }

    @Test
    void refusesAFlagThatIsNeitherZeroNorOne() {
        assertRefused("6d126e75727365406578616d706c652e636f6d0000000200", "pending-out flag 2");
    }

    @Test
    void refusesAnAbsurdStringLengthWithoutAllocatingIt() {
        // RosterItemRemoved whose JID length is a 5-byte varint of about 4 GB, then of about 2 GB.
        assertRefused("6fffffffff0f6e75727365", "roster item JID of");
        assertRefused("6fffffffff076e75727365", "roster item JID of");
    }

    @Test
    void refusesAStringOverItsLimit() {
        // A JID of 3072 bytes (varint 3073 = 8118): one over RFC 7622's limit, refused before reading it.
        assertRefused("6f" + "8118" + "61".repeat(3072) + "0800000000000000", "roster item JID of 3072 bytes");
        // An offline message of 1 MiB + 1 bytes (varint 1048578 = 828040).
        assertRefused("73828040", "offline message of 1048577 bytes");
    }

    @Test
    void refusesAStringRunningPastTheEnd() {
        assertRefused("7164726f6d656f", "runs past the end of the input");
    }

    @Test
    void refusesAMissingRequiredString() {
        assertRefused("7100", "subscription request JID is missing");
    }

    @Test
    void refusesInvalidUtf8() {
        assertRefused("7103c3286e", "subscription request JID is not valid UTF-8");
    }

    @Test
    void refusesAnAbsurdListCountWithoutAllocatingIt() {
        assertRefused("75ffffffff0f", "blocked JIDs");
        // 100,001 blocked JIDs (varint a18d06), one over the limit.
        assertRefused("75a18d06", "100001 blocked JIDs");
        // A roster item with about 2 billion groups.
        assertRefused("6d126e75727365406578616d706c652e636f6d00ffffffff07", "roster groups");
        // A snapshot with 65 SCRAM credentials.
        assertRefused("7941", "65 SCRAM credentials");
    }

    @Test
    void refusesSnapshotMapKeysOutOfOrderOrTwice() {
        String empty = "7900000000000000000000000000000000";
        // pendingIn is the 13th byte: two entries "b" then "a", then "a" twice; each value "x".
        String outOfOrder = empty.substring(0, 24) + "02" + "0262" + "0278" + "0261" + "0278" + empty.substring(26);
        assertRefused(outOfOrder, "pending subscription keys out of order");
        String twice = empty.substring(0, 24) + "02" + "0261" + "0278" + "0261" + "0278" + empty.substring(26);
        assertRefused(twice, "pending subscription keys out of order");
        String sorted = empty.substring(0, 24) + "02" + "0261" + "0278" + "0262" + "0278" + empty.substring(26);
        assertEquals(Map.of("a", "x", "b", "x"), ((UserSnapshotV2) read(sorted)).pendingIn());
    }

    @Test
    void refusesANegativeDeliveredCount() {
        assertRefused("74ffffffff0f", "delivered count -1 is negative");
    }
}
