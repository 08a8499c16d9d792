package io.rookery.node.ext.muc;

import io.rookery.persistence.kryo.KryoRegistrar;
import io.rookery.persistence.kryo.KryoRegistry;

/**
 * Kryo ids 420-449: the messages rooms get, which cross nodes when a room lives on another member than the session
 * that writes to it. Records in Kryo's record layout; a changed message is a new record with a new id, so nodes of
 * two versions still talk during a rolling upgrade. Append only: the next free id is 428.
 */
public final class MucMessagesRegistrar implements KryoRegistrar {
    @Override
    public void register(KryoRegistry registry) {
        registry.register(RoomEntity.Inbound.class, 420);
        registry.register(RoomEntity.SessionEnded.class, 421);
        registry.register(RoomEntity.Idle.class, 422);
        registry.register(RoomEntity.Emptied.class, 423);
        registry.register(RoomEntity.Stop.class, 424);
        registry.register(RoomEntity.SyncOccupants.class, 425);
        registry.register(RoomEntity.CheckOccupants.class, 426);
        registry.register(RoomRelay.Fanout.class, 427);
    }
}
