package io.rookery.node.ext;

import io.rookery.persistence.mam.ArchiveStore;
import io.rookery.persistence.mam.InMemoryArchiveStore;
import io.rookery.persistence.sm.InMemoryStreamOutbox;
import io.rookery.persistence.sm.StreamOutbox;
import io.rookery.persistence.offline.InMemoryOfflineStore;
import io.rookery.persistence.offline.OfflineStore;

/**
 * The stores modules keep data in outside the account entities' state (whose memory must stay small): Cassandra
 * tables on a node, heap maps in tests that use the in-memory journal.
 */
public record ModuleStores(OfflineStore offline, ArchiveStore archive, StreamOutbox streams,
        io.rookery.persistence.muc.RoomDirectory rooms, io.rookery.persistence.pubsub.ItemStore items,
        io.rookery.persistence.pubsub.NodeDirectory nodes) {
    /** These offline messages, an archive and resumable streams on the heap. */
    public ModuleStores(OfflineStore offline) {
        this(offline, new InMemoryArchiveStore(), new InMemoryStreamOutbox());
    }

    /** These stores, the XEP-0045 room directory on the heap. */
    public ModuleStores(OfflineStore offline, ArchiveStore archive, StreamOutbox streams) {
        this(offline, archive, streams, new io.rookery.persistence.muc.InMemoryRoomDirectory());
    }

    /** These stores, XEP-0060 items on the heap. */
    public ModuleStores(OfflineStore offline, ArchiveStore archive, StreamOutbox streams,
            io.rookery.persistence.muc.RoomDirectory rooms) {
        this(offline, archive, streams, rooms, new io.rookery.persistence.pubsub.InMemoryItemStore());
    }

    /** These stores, the XEP-0060 service's node directory on the heap. */
    public ModuleStores(OfflineStore offline, ArchiveStore archive, StreamOutbox streams,
            io.rookery.persistence.muc.RoomDirectory rooms, io.rookery.persistence.pubsub.ItemStore items) {
        this(offline, archive, streams, rooms, items, new io.rookery.persistence.pubsub.InMemoryNodeDirectory());
    }

    public static ModuleStores inMemory() {
        return new ModuleStores(new InMemoryOfflineStore(), new InMemoryArchiveStore(), new InMemoryStreamOutbox());
    }
}
