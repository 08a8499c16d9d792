package io.rookery.persistence.kryo;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HexFormat;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.SerializationExtension;

/** A real local actor system whose Pekko serialization includes the test messages. */
public final class KryoTestSystem {

    private KryoTestSystem() {
    }

    public static ActorSystem<Void> start(String name) {
        Config config = ConfigFactory.parseString(String.join("\n",
                        "pekko.loglevel = WARNING",
                        "pekko.actor.provider = local",
                        "rookery.kryo.registrars += \"" + TestMessages.Registrar.class.getName() + "\""))
                .withFallback(ConfigFactory.load())
                .resolve();
        return ActorSystem.create(Behaviors.empty(), name, config);
    }

    /** The serializer instance Pekko itself created for the system. */
    public static RookeryKryoSerializer serializer(ActorSystem<?> system) {
        return (RookeryKryoSerializer) SerializationExtension.get(system)
                .findSerializerFor(new TestMessages.Holder("probe"));
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    public static byte[] unhex(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
