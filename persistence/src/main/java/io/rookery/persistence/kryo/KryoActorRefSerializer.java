package io.rookery.persistence.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;

/**
 * Writes a typed {@link ActorRef} as its serialization format (path with the node's address), so a ref read on
 * another node resolves to a remote ref there. Reads always yield Pekko's adapter class, whatever was written.
 */
public final class KryoActorRefSerializer extends Serializer<ActorRef<?>> {

    private final ActorRefResolver resolver;

    public KryoActorRefSerializer(ActorRefResolver resolver) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, ActorRef<?> ref) {
        output.writeString(resolver.toSerializationFormat(ref));
    }

    @Override
    public ActorRef<?> read(Kryo kryo, Input input, Class<? extends ActorRef<?>> type) {
        return resolver.resolveActorRef(input.readString());
    }
}
