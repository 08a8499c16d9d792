package io.rookery.persistence.kryo;

/**
 * Marker for messages, events and snapshots that Pekko serializes with {@link RookeryKryoSerializer} (bound in
 * this module's {@code reference.conf}). Implementing it is not enough: the class also needs an id from a
 * {@link KryoRegistrar}.
 */
public interface KryoSerializable {
}
