package io.rookery.persistence.pep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.rookery.persistence.kryo.RookeryKryoSerializer;
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
 * User journals and snapshots hold these bytes for as long as the accounts live. If a test here fails, the change
 * breaks stored accounts: revert it and add a new class with a new id instead. Never edit an expected hex string.
 */
class PepEventsFrozenBytesTest {
    private static ActorSystem<Void> system;
    private static RookeryKryoSerializer serializer;

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "pep-frozen-bytes-test",
                ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        serializer = (RookeryKryoSerializer) SerializationExtension.get(system)
                .findSerializerFor(new PepNodeDeleted("n"));
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

    private static final PepNodeConfigured AVATAR = new PepNodeConfigured("urn:xmpp:avatar:metadata",
            Map.of("pubsub#access_model", "presence", "pubsub#max_items", "1"));
    private static final PepAffiliationsSet MEMBERS = new PepAffiliationsSet("urn:xmpp:bookmarks:1",
            Map.of("juliet@capulet.lit", "member"));

    @Test
    void personalNodeEventsKeepTheirBytes() {
        assertFrozen(AVATAR, "c4031975726e3a786d70703a6176617461723a6d657461646174610214707562737562236163636573735f6d6f64656c0970726573656e636511707562737562236d61785f6974656d730231");
        assertFrozen(new PepNodeDeleted("urn:xmpp:avatar:data"), "c5031575726e3a786d70703a6176617461723a64617461");
        assertFrozen(MEMBERS, "c6031575726e3a786d70703a626f6f6b6d61726b733a3101136a756c69657440636170756c65742e6c6974076d656d626572");
    }

    @Test
    void theAvatarHashKeepsItsBytes() {
        assertFrozen(new AvatarHashSet("8bd1e7bd1b1cb9a1b4a2e0ab3b0f6f27c3f0f7a1"), "c8032938626431653762643162316362396131623461326530616233623066366632376333663066376131");
        assertFrozen(new AvatarHashSet(""), "c80301");
        assertFrozen(new AvatarHash("8bd1e7bd1b1cb9a1b4a2e0ab3b0f6f27c3f0f7a1"), "c9032938626431653762643162316362396131623461326530616233623066366632376333663066376131");
    }

    @Test
    void personalNodesSnapshotKeepsItsBytes() {
        assertFrozen(new PepNodes(List.of(AVATAR), List.of(MEMBERS)), "c703011975726e3a786d70703a6176617461723a6d657461646174610214707562737562236163636573735f6d6f64656c0970726573656e636511707562737562236d61785f6974656d730231011575726e3a786d70703a626f6f6b6d61726b733a3101136a756c69657440636170756c65742e6c6974076d656d626572");
        assertFrozen(new PepNodes(List.of(), List.of()), "c7030000");
    }
}
