package io.rookery.persistence.muc;

import io.rookery.persistence.kryo.KryoSerializable;
import java.util.List;

/** A room's persisted state ({@link RoomSnapshot}) with its occupants, in the order they entered. */
public record RoomSnapshotV2(RoomSnapshot room, List<OccupantEntered> occupants) implements KryoSerializable {
    public RoomSnapshotV2 {
        occupants = List.copyOf(occupants);
    }
}
