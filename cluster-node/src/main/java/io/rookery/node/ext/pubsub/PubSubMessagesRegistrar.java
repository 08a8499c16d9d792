package io.rookery.node.ext.pubsub;

import io.rookery.persistence.kryo.KryoRegistrar;
import io.rookery.persistence.kryo.KryoRegistry;

/**
 * Kryo ids 470-479: the messages node entities get, which cross cluster members when a node lives on another member
 * than the session that writes to it (ids 460-469 are the node events, in persistence). Records in Kryo's record
 * layout; a changed message is a new record with a new id. Append only: the next free id is 473.
 */
public final class PubSubMessagesRegistrar implements KryoRegistrar {
    @Override
    public void register(KryoRegistry registry) {
        registry.register(NodeEntity.Inbound.class, 470);
        registry.register(NodeEntity.Idle.class, 471);
        registry.register(NodeEntity.Stop.class, 472);
    }
}
