package io.rookery.node.ext;

import io.rookery.persistence.offline.InMemoryOfflineStore;
import io.rookery.persistence.offline.OfflineStore;

/**
 * The stores modules keep data in outside the account entities' state (whose memory must stay small): Cassandra
 * tables on a node, heap maps in tests that use the in-memory journal.
 */
public record ModuleStores(OfflineStore offline) {
    public static ModuleStores inMemory() {
        return new ModuleStores(new InMemoryOfflineStore());
    }
}
