package io.rookery.persistence.kryo;

import org.apache.pekko.actor.typed.ActorRef;

/** Messages only the kryo tests use; ids from 900 up, outside every range the project hands out. */
public final class TestMessages {

    private TestMessages() {
    }

    public record Ping(String text, ActorRef<String> replyTo) implements KryoSerializable {
    }

    public record Holder(Object value) implements KryoSerializable {
    }

    /** Bound to the Kryo serializer but never given an id. */
    public record Unregistered(String text) implements KryoSerializable {
    }

    /** What Pekko would hand to Java serialization, which the reference.conf turns off. */
    public record JavaOnly(String text) implements java.io.Serializable {
    }

    public static final class Registrar implements KryoRegistrar {
        @Override
        public void register(KryoRegistry registry) {
            registry.register(Ping.class, 900);
            registry.register(Holder.class, 901);
        }
    }

    /** Claims an id the common registrations already own. */
    public static final class ClashingRegistrar implements KryoRegistrar {
        @Override
        public void register(KryoRegistry registry) {
            registry.register(Holder.class, 15);
        }
    }

    public static final class NoPublicConstructorRegistrar implements KryoRegistrar {
        private NoPublicConstructorRegistrar() {
        }

        @Override
        public void register(KryoRegistry registry) {
        }
    }
}
