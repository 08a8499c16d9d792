package io.rookery.node.ext;

import io.rookery.persistence.mam.ArchiveStore;
import io.rookery.persistence.mam.InMemoryArchiveStore;
import io.rookery.persistence.offline.InMemoryOfflineStore;
import io.rookery.persistence.offline.OfflineStore;

/**
 * The stores modules keep data in outside the account entities' state (whose memory must stay small): Cassandra
 * tables on a node, heap maps in tests that use the in-memory journal.
 */
public record ModuleStores(OfflineStore offline, ArchiveStore archive) {
    /** These offline messages, an archive on the heap. */
    public ModuleStores(OfflineStore offline) {
        this(offline, new InMemoryArchiveStore());
    }

    public static ModuleStores inMemory() {
        return new ModuleStores(new InMemoryOfflineStore(), new InMemoryArchiveStore());
    }
}
