package io.rookery.persistence.muc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.rookery.persistence.kryo.RookeryKryoSerializer;
import java.util.HexFormat;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Room journals and snapshots hold these bytes for as long as the rooms live. If a test here fails, the change breaks
 * stored rooms: revert it and add a new class with a new id instead. Never edit an expected hex string.
 */
class MucEventsFrozenBytesTest {
    private static ActorSystem<Void> system;
    private static RookeryKryoSerializer serializer;

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "muc-frozen-bytes-test",
                ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        serializer = (RookeryKryoSerializer) SerializationExtension.get(system)
                .findSerializerFor(new RoomCreated("a@b"));
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

    @Test
    void roomEventsKeepTheirBytes() {
        assertFrozen(new RoomCreated("crone@shakespeare.lit"), "92031663726f6e65407368616b657370656172652e6c6974");
        assertFrozen(new RoomConfigured(Map.of("muc#roomconfig_roomname", "Coven",
                "muc#roomconfig_presencebroadcast", "moderator\nparticipant")), "930302216d756323726f6f6d636f6e6669675f70726573656e636562726f616463617374166d6f64657261746f720a7061727469636970616e74186d756323726f6f6d636f6e6669675f726f6f6d6e616d6506436f76656e");
        assertFrozen(new AffiliationSet("hag66@shakespeare.lit", "outcast", "Treason"), "9403166861673636407368616b657370656172652e6c6974086f7574636173740854726561736f6e");
        assertFrozen(new AffiliationSet("wiccarocks@shakespeare.lit", "member", null), "94031b7769636361726f636b73407368616b657370656172652e6c6974076d656d62657200");
        assertFrozen(new NickRegistered("hag66@shakespeare.lit", "thirdwitch"), "9503166861673636407368616b657370656172652e6c69740b74686972647769746368");
        assertFrozen(new NickRegistered("hag66@shakespeare.lit", null), "9503166861673636407368616b657370656172652e6c697400");
        assertFrozen(new SubjectSet("Fire Burn and Cauldron Bubble!", "secondwitch"), "96031f46697265204275726e20616e64204361756c64726f6e20427562626c65210c7365636f6e647769746368");
        assertFrozen(new SubjectSet("", null), "96030100");
        assertFrozen(new RoomDestroyed("coven@chat.shakespeare.lit", "Macbeth doth come."), "97031b636f76656e40636861742e7368616b657370656172652e6c6974134d61636265746820646f746820636f6d652e");
        assertFrozen(new RoomDestroyed(null, null), "97030000");
    }

    @Test
    void roomSnapshotKeepsItsBytes() {
        assertFrozen(new RoomSnapshot(true, Map.of("muc#roomconfig_persistentroom", "1"),
                Map.of("crone@shakespeare.lit", "owner", "hag66@shakespeare.lit", "outcast"),
                Map.of("hag66@shakespeare.lit", "Treason"), Map.of("crone@shakespeare.lit", "firstwitch"),
                "Cauldron", "firstwitch"), "980301011e6d756323726f6f6d636f6e6669675f70657273697374656e74726f6f6d0231021663726f6e65407368616b657370656172652e6c6974066f776e6572166861673636407368616b657370656172652e6c6974086f75746361737401166861673636407368616b657370656172652e6c69740854726561736f6e011663726f6e65407368616b657370656172652e6c69740b66697273747769746368094361756c64726f6e0b66697273747769746368");
        assertFrozen(new RoomSnapshot(false, Map.of(), Map.of(), Map.of(), Map.of(), null, null), "980300000000000000");
    }

    @Test
    void occupantsKeepTheirBytes() {
        assertFrozen(new OccupantEntered("thirdwitch", "hag66@shakespeare.lit/pda",
                "pekko://rookery@127.0.0.1:2552/user/session#42", "participant"), "99030b746869726477697463681a6861673636407368616b657370656172652e6c69742f7064612f70656b6b6f3a2f2f726f6f6b657279403132372e302e302e313a323535322f757365722f73657373696f6e2334320c7061727469636970616e74");
        assertFrozen(new OccupantEntered("firstwitch", "crone1@shakespeare.lit/desktop", null, "moderator"), "99030b666972737477697463681f63726f6e6531407368616b657370656172652e6c69742f6465736b746f70000a6d6f64657261746f72");
        assertFrozen(new OccupantLeft("thirdwitch"), "9a030b74686972647769746368");
        assertFrozen(new RoomSnapshotV2(new RoomSnapshot(true, Map.of(), Map.of("crone1@shakespeare.lit", "owner"),
                Map.of(), Map.of(), "", null), java.util.List.of(new OccupantEntered("firstwitch",
                "crone1@shakespeare.lit/desktop", null, "moderator"))), "9b030100011763726f6e6531407368616b657370656172652e6c6974066f776e657200000100010b666972737477697463681f63726f6e6531407368616b657370656172652e6c69742f6465736b746f70000a6d6f64657261746f72");
    }

    @Test
    void aSnapshotWhoseExistsFlagIsNeitherZeroNorOneIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> serializer.fromBinary(HexFormat.of().parseHex("980302000000000000")));
    }
}
