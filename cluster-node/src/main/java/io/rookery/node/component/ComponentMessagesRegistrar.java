package io.rookery.node.component;

import io.rookery.persistence.kryo.KryoRegistrar;
import io.rookery.persistence.kryo.KryoRegistry;

/**
 * Kryo ids 500-509: the messages of XEP-0114 component connections, which cross nodes when a stanza for a component
 * is routed on another member than the one holding its connection. Append only: the next free id is 501.
 */
public final class ComponentMessagesRegistrar implements KryoRegistrar {
    @Override
    public void register(KryoRegistry registry) {
        registry.register(ComponentStream.Deliver.class, 500);
    }
}
