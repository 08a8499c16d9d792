package io.rookery.persistence.pubsub;

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
 * Node journals and snapshots hold these bytes for as long as the nodes live. If a test here fails, the change
 * breaks stored nodes: revert it and add a new class with a new id instead. Never edit an expected hex string.
 */
class PubSubEventsFrozenBytesTest {
    private static ActorSystem<Void> system;
    private static RookeryKryoSerializer serializer;

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "pubsub-frozen-bytes-test",
                ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        serializer = (RookeryKryoSerializer) SerializationExtension.get(system).findSerializerFor(new NodeDeleted());
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

    private static final Map<String, String> CONFIG = Map.of("pubsub#access_model", "open", "pubsub#max_items", "10");
    private static final NodeSubscribed SUBSCRIBED = new NodeSubscribed("bob@localhost/desk", "s1",
            Map.of("pubsub#deliver", "1"));

    @Test
    void nodeEventsKeepTheirBytes() {
        assertFrozen(new NodeCreated("alice@localhost", CONFIG),
                "ce0310616c696365406c6f63616c686f73740214707562737562236163636573735f6d6f64656c056f70656e11707562737562236d61785f6974656d73033130");
        assertFrozen(new NodeConfigured(CONFIG),
                "cf030214707562737562236163636573735f6d6f64656c056f70656e11707562737562236d61785f6974656d73033130");
        assertFrozen(new NodeAffiliationSet("carol@localhost", "publisher"),
                "d003106361726f6c406c6f63616c686f73740a7075626c6973686572");
        assertFrozen(SUBSCRIBED, "d10313626f62406c6f63616c686f73742f6465736b037331010f7075627375622364656c697665720231");
        assertFrozen(new NodeUnsubscribed("s1"), "d203037331");
        assertFrozen(new NodeDeleted(), "d303");
    }

    @Test
    void nodeSnapshotKeepsItsBytes() {
        assertFrozen(new NodeSnapshot(true, CONFIG, Map.of("alice@localhost", "owner"), List.of(SUBSCRIBED)),
                "d403010214707562737562236163636573735f6d6f64656c056f70656e11707562737562236d61785f6974656d730331300110616c696365406c6f63616c686f7374066f776e65720113626f62406c6f63616c686f73742f6465736b037331010f7075627375622364656c697665720231");
        assertFrozen(new NodeSnapshot(false, Map.of(), Map.of(), List.of()), "d40300000000");
    }
}
