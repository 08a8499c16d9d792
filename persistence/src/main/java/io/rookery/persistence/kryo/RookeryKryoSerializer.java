package io.rookery.persistence.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.JSerializer;

/**
 * Pekko serializer for {@link KryoSerializable} messages, events and snapshots. Bytes are Kryo's class id followed
 * by the object; no manifest. Thread-safe: Kryo instances, each with its own Output and Input, come from a pool
 * that keeps at most {@code rookery.kryo.pool-size} idle ones.
 */
public final class RookeryKryoSerializer extends JSerializer {

    public static final int IDENTIFIER = 7331;

    private static final byte[] NO_BYTES = new byte[0];
    private static final String UNREGISTERED = "Class is not registered: ";

    private final KryoSettings settings;
    private final Pool<Slot> pool;

    public RookeryKryoSerializer(ExtendedActorSystem system) {
        this(KryoSettings.fromConfig(system.settings().config()),
                ActorRefResolver.get(Adapter.toTyped(system)),
                system.dynamicAccess().classLoader());
    }

    RookeryKryoSerializer(KryoSettings settings, ActorRefResolver actorRefResolver, ClassLoader classLoader) {
        this.settings = settings;
        KryoFactory factory = new KryoFactory(settings, actorRefResolver, classLoader);
        this.pool = new Pool<>(true, false, settings.poolSize()) {
            @Override
            protected Slot create() {
                return new Slot(factory.create(), new Output(settings.bufferSize(), settings.maxBufferSize()),
                        new Input(NO_BYTES));
            }
        };
        // Builds one instance now, so a bad registrar (clashing ids, missing class) fails at startup.
        pool.free(pool.obtain());
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public boolean includeManifest() {
        return false;
    }

    @Override
    public byte[] toBinary(Object o) {
        Slot slot = pool.obtain();
        try {
            Output output = slot.output;
            output.reset();
            slot.kryo.writeClassAndObject(output, o);
            byte[] bytes = output.toBytes();
            release(slot);
            return bytes;
        } catch (KryoException | IllegalArgumentException e) {
            // The slot is dropped, not returned: a failed write may leave it half-way.
            throw writeFailure(o, e);
        }
    }

    @Override
    public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
        Slot slot = pool.obtain();
        try {
            Input input = slot.input;
            input.setBuffer(bytes);
            Object result = slot.kryo.readClassAndObject(input);
            if (input.position() != bytes.length) {
                throw new KryoException((bytes.length - input.position()) + " bytes left over after "
                        + (result == null ? "null" : result.getClass().getName()));
            }
            release(slot);
            return result;
        } catch (KryoException | IllegalArgumentException e) {
            throw new IllegalArgumentException("rookery-kryo cannot read " + bytes.length + " bytes: "
                    + e.getMessage(), e);
        }
    }

    private void release(Slot slot) {
        slot.input.setBuffer(NO_BYTES);
        if (slot.output.getBuffer().length > settings.bufferSize()) {
            // Keep idle memory bounded: one large snapshot should not pin its buffer in every pooled slot.
            slot.output.setBuffer(new byte[settings.bufferSize()], settings.maxBufferSize());
        }
        pool.free(slot);
    }

    private static IllegalArgumentException writeFailure(Object o, RuntimeException e) {
        String top = o == null ? "null" : o.getClass().getName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (t instanceof IllegalArgumentException && message != null && message.startsWith(UNREGISTERED)) {
                String missing = message.substring(UNREGISTERED.length()).lines().findFirst().orElse("?");
                return new IllegalArgumentException("rookery-kryo cannot serialize " + top + ": class " + missing
                        + " has no Kryo id; register it in a KryoRegistrar listed in "
                        + KryoSettings.PATH + ".registrars", e);
            }
        }
        return new IllegalArgumentException("rookery-kryo cannot serialize " + top + ": " + e.getMessage(), e);
    }

    private static final class Slot {
        final Kryo kryo;
        final Output output;
        final Input input;

        Slot(Kryo kryo, Output output, Input input) {
            this.kryo = kryo;
            this.output = output;
            this.input = input;
        }
    }
}
