package io.rookery.persistence.kryo;

/**
 * Gives classes their Kryo ids. Listed by fully-qualified class name in {@code rookery.kryo.registrars}; needs a
 * public no-arg constructor.
 *
 * <p>{@link #register} runs once for every pooled Kryo instance, possibly on several threads at once: keep the
 * registrar stateless and create new serializer instances on each call (Kryo serializers may hold per-instance
 * state). Ids of anything persisted are append-only: never reuse or renumber one.
 */
public interface KryoRegistrar {

    void register(KryoRegistry registry);
}
