package io.rookery.persistence.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
class FastEventsFrozenBytesTest {
    private static ActorSystem<Void> system;
    private static RookeryKryoSerializer serializer;

    @BeforeAll
    static void start() {
        system = ActorSystem.create(Behaviors.empty(), "fast-frozen-bytes-test",
                ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        serializer = (RookeryKryoSerializer) SerializationExtension.get(system)
                .findSerializerFor(new FastTokenPromoted("c"));
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

    private static final String CLIENT = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=";
    private static final String KEY = "LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564=";

    @Test
    void tokenEventsKeepTheirBytes() {
        assertFrozen(new FastTokenIssued(CLIENT, "HT-SHA-256-NONE", KEY, 1_800_000_000L), "94042d6e3462516759684d665757614c2b71677856725146614f2f547873724334497330563173466244774367673d1048542d5348412d3235362d4e4f4e452d4c43613061326a2f786f2f356d305538485442424e424e434c58426b67372b672b59706569474a6d3536343d80a4a7da06");
        assertFrozen(new FastTokenPromoted(CLIENT), "95042d6e3462516759684d665757614c2b71677856725146614f2f547873724334497330563173466244774367673d");
        assertFrozen(new FastTokensRevoked(CLIENT), "96042d6e3462516759684d665757614c2b71677856725146614f2f547873724334497330563173466244774367673d");
        assertFrozen(new FastTokensRevoked(""), "960401");
    }

    @Test
    void theTokensSnapshotKeepsItsBytes() {
        assertFrozen(new FastTokens(List.of(new FastToken(CLIENT, "HT-SHA-256-ENDP", KEY, 1_800_000_000L, false),
                new FastToken(CLIENT, "HT-SHA-256-NONE", KEY, 1_800_000_100L, true))), "9704022d6e3462516759684d665757614c2b71677856725146614f2f547873724334497330563173466244774367673d1048542d5348412d3235362d454e44502d4c43613061326a2f786f2f356d305538485442424e424e434c58426b67372b672b59706569474a6d3536343d80a4a7da06002d6e3462516759684d665757614c2b71677856725146614f2f547873724334497330563173466244774367673d1048542d5348412d3235362d4e4f4e452d4c43613061326a2f786f2f356d305538485442424e424e434c58426b67372b672b59706569474a6d3536343de4a4a7da0601");
        assertFrozen(new FastTokens(List.of()), "970400");
    }
}
