package io.rookery.persistence.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rookery.persistence.blocking.JidsBlocked;
import io.rookery.persistence.blocking.JidsUnblocked;
import io.rookery.persistence.kryo.RookeryKryoSerializer;
import io.rookery.persistence.offline.OfflineMessage;
import io.rookery.persistence.offline.OfflineMessageStored;
import io.rookery.persistence.offline.OfflineMessagesDelivered;
import io.rookery.persistence.offline.OfflineMessageSpooled;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ImEventsSerializationTest {

    private static final RosterItem JULIET = new RosterItem("juliet@example.com", "Juliet Capulet",
            List.of("Friends", "Lovers"), Subscription.BOTH, false, true);
    private static final RosterItem NURSE =
            new RosterItem("nurse@example.com", null, List.of(), Subscription.NONE, true, false);
    private static final OfflineMessage HELLO = new OfflineMessage(
            "<message from='romeo@example.net/orchard' type='chat'><body>Wherefore art thou? ✨</body></message>",
            1_700_000_000_123L);

    private static ActorSystem<Void> system;
    private static Serialization serialization;

    @BeforeAll
    static void start() {
        // Only this module's reference.conf: the events must work with the defaults alone.
        system = ActorSystem.create(Behaviors.empty(), "im-events-test",
                ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        serialization = SerializationExtension.get(system);
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    static List<Object> events() {
        return List.of(
                new RosterItemSaved(JULIET, 1L),
                new RosterItemSaved(NURSE, Long.MAX_VALUE),
                new RosterItemSaved(new RosterItem("ρωμαίος@ἀθῆναι.gr", "", List.of(""), Subscription.FROM, true,
                        true), 0L),
                new RosterItemRemoved("juliet@example.com", 42L),
                new SubscriptionRequestStored("romeo@example.net", "<presence type='subscribe'/>"),
                new SubscriptionRequestCleared("romeo@example.net"),
                new OfflineMessageStored(HELLO),
                new OfflineMessageStored(new OfflineMessage("", -1L)),
                new OfflineMessagesDelivered(0),
                new OfflineMessagesDelivered(1_000_000),
                new OfflineMessageSpooled(0, 0),
                new OfflineMessageSpooled(Long.MAX_VALUE, Integer.MAX_VALUE),
                new OfflineSpoolDelivered(12_345_678_901L, 262_144L),
                new JidsBlocked(List.of("spam@example.org", "example.net", "x@y/z")),
                new JidsBlocked(List.of()),
                new JidsUnblocked(List.of("example.net")),
                new JidsUnblocked(List.of()),
                new VCardStored("<vCard xmlns='vcard-temp'><FN>Juliet</FN></vCard>"),
                new VCardStored(null),
                new PrivateXmlStored("storage storage:bookmarks", "<storage xmlns='storage:bookmarks'/>"));
    }

    static List<Object> snapshots() {
        ScramCredentials sha256 = ScramCredentials.derive(ScramHash.SHA_256, "pencil", "salt-two".getBytes(), 4096);
        return List.of(
                new UserSnapshotV2(List.of(sha256), true, List.of(JULIET, NURSE), 17L,
                        Map.of("romeo@example.net", "<presence type='subscribe'/>", "a@b", "<presence/>"),
                        List.of(HELLO, new OfflineMessage("<message/>", 2L)), List.of("spam@example.org"),
                        "<vCard xmlns='vcard-temp'/>",
                        Map.of("storage storage:bookmarks", "<storage xmlns='storage:bookmarks'/>")),
                new UserSnapshotV2(List.of(), false, List.of(), 0L, Map.of(), List.of(), List.of(), null, Map.of()),
                new io.rookery.persistence.offline.OfflineSpool(List.of(HELLO), 1L << 40, (1L << 40) + 1000, 1L << 33));
    }

    @Test
    void roundTripsEveryEventThroughPekkoSerialization() {
        for (Object event : events()) {
            assertInstanceOf(UserEvent.class, event);
            assertRoundTrips(event);
        }
    }

    @Test
    void roundTripsTheSnapshotThroughPekkoSerialization() {
        snapshots().forEach(ImEventsSerializationTest::assertRoundTrips);
    }

    @Test
    void roundTripsTheValuesOnTheirOwn() {
        // They have ids but no Pekko binding of their own: only events and snapshots are sent to Pekko.
        var serializer = (RookeryKryoSerializer) serialization.findSerializerFor(new VCardStored(null));
        List<Object> values = new ArrayList<>(List.of(Subscription.values()));
        values.addAll(List.of(JULIET, NURSE, HELLO));
        for (Object value : values) {
            assertEquals(value, serializer.fromBinary(serializer.toBinary(value)));
        }
    }

    @Test
    void writesEqualSnapshotsAsEqualBytesWhateverTheMapOrder() {
        Map<String, String> ascending = new TreeMap<>();
        Map<String, String> other = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            ascending.put("user" + i + "@example.com", "<presence id='" + i + "'/>");
            other.put("user" + i + "@example.com", "<presence id='" + i + "'/>");
        }
        byte[] a = serialization.serialize(snapshotWithPending(ascending)).get();
        byte[] b = serialization.serialize(snapshotWithPending(other)).get();
        assertEquals(java.util.HexFormat.of().formatHex(a), java.util.HexFormat.of().formatHex(b));
    }

    @Test
    void readsCollectionsBackImmutable() {
        UserSnapshotV2 back = (UserSnapshotV2) roundTrip(snapshots().get(0));
        assertThrows(UnsupportedOperationException.class, () -> back.roster().clear());
        assertThrows(UnsupportedOperationException.class, () -> back.roster().get(0).groups().clear());
        assertThrows(UnsupportedOperationException.class, () -> back.pendingIn().clear());
        assertThrows(UnsupportedOperationException.class, () -> back.offline().clear());
        assertThrows(UnsupportedOperationException.class, () -> back.blocklist().clear());
        assertThrows(UnsupportedOperationException.class, () -> back.privateXml().clear());
        JidsBlocked blocked = (JidsBlocked) roundTrip(new JidsBlocked(List.of("a@b")));
        assertThrows(UnsupportedOperationException.class, () -> blocked.jids().clear());
    }

    @Test
    void keepsItsOwnCopiesOfCollections() {
        List<String> jids = new ArrayList<>(List.of("a@b"));
        JidsBlocked blocked = new JidsBlocked(jids);
        jids.clear();
        assertEquals(List.of("a@b"), blocked.jids());
        Map<String, String> pending = new HashMap<>(Map.of("a@b", "<presence/>"));
        UserSnapshotV2 snapshot = snapshotWithPending(pending);
        pending.clear();
        assertEquals(Map.of("a@b", "<presence/>"), snapshot.pendingIn());
    }

    @Test
    void refusesMissingRequiredValuesWhenBuilt() {
        assertThrows(NullPointerException.class, () -> new RosterItemSaved(null, 1L));
        assertThrows(NullPointerException.class, () -> new RosterItemRemoved(null, 1L));
        assertThrows(NullPointerException.class, () -> new SubscriptionRequestStored("a@b", null));
        assertThrows(NullPointerException.class, () -> new SubscriptionRequestCleared(null));
        assertThrows(NullPointerException.class, () -> new OfflineMessage(null, 1L));
        assertThrows(NullPointerException.class, () -> new OfflineMessageStored(null));
        assertThrows(NullPointerException.class, () -> new JidsBlocked(null));
        assertThrows(NullPointerException.class, () -> new JidsUnblocked(List.of("a@b", null)));
        assertThrows(NullPointerException.class, () -> new PrivateXmlStored("k ns", null));
        assertThrows(NullPointerException.class, () -> new UserSnapshotV2(List.of(), false, List.of(), 0L,
                Map.of(), List.of(), List.of(), null, null));
        assertThrows(IllegalArgumentException.class, () -> new OfflineMessagesDelivered(-1));
    }

    @Test
    void roundTripsStringsAtTheirLimits() {
        String longestJid = "a".repeat(1023) + "@" + "b".repeat(1023) + "/" + "c".repeat(1023);
        assertRoundTrips(new RosterItemRemoved(longestJid, 1L));
        String largestStanza = "<message>" + "x".repeat(1024 * 1024 - "<message></message>".length()) + "</message>";
        assertRoundTrips(new OfflineMessageStored(new OfflineMessage(largestStanza, 1L)));
    }

    @Test
    void refusesToWriteWhatCouldNotBeReadBack() {
        String tooLongJid = "a".repeat(1024) + "@" + "b".repeat(1023) + "/" + "c".repeat(1023);
        var e = assertThrows(IllegalArgumentException.class,
                () -> serialization.serialize(new RosterItemRemoved(tooLongJid, 1L)).get());
        assertTrue(e.getMessage().contains("roster item JID of 3072 bytes is longer than the limit of 3071"),
                e.getMessage());
        String tooLargeStanza = "é".repeat(512 * 1024 + 1);
        e = assertThrows(IllegalArgumentException.class, () -> serialization.serialize(
                new OfflineMessageStored(new OfflineMessage(tooLargeStanza, 1L))).get());
        assertTrue(e.getMessage().contains("offline message of 1048578 bytes"), e.getMessage());
        List<String> tooManyJids = new ArrayList<>();
        for (int i = 0; i <= 100_000; i++) {
            tooManyJids.add("u" + i + "@example.com");
        }
        e = assertThrows(IllegalArgumentException.class,
                () -> serialization.serialize(new JidsBlocked(tooManyJids)).get());
        assertTrue(e.getMessage().contains("100001 blocked JIDs are more than the limit of 100000"), e.getMessage());
    }

    private static UserSnapshotV2 snapshotWithPending(Map<String, String> pending) {
        return new UserSnapshotV2(List.of(), true, List.of(), 3L, pending, List.of(), List.of(), null, Map.of());
    }

    private static void assertRoundTrips(Object sample) {
        assertInstanceOf(RookeryKryoSerializer.class, serialization.findSerializerFor(sample));
        assertEquals(sample, roundTrip(sample), () -> "round trip of " + sample.getClass().getSimpleName());
    }

    private static Object roundTrip(Object o) {
        byte[] bytes = serialization.serialize(o).get();
        return serialization.deserialize(bytes, RookeryKryoSerializer.IDENTIFIER, "").get();
    }
}
