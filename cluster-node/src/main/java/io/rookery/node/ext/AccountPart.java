package io.rookery.node.ext;

import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.user.UserEvent;
import io.rookery.persistence.user.UserSnapshotV2;

/**
 * A module's part of what an account persists: how its events change it, and how it is written into and read back
 * from the user's snapshot. The state is owned by the user entity and may be mutated in place by {@link #apply};
 * null stands for empty, so an account that never used the module holds nothing for it.
 */
public interface AccountPart<S> {
    /** The registered record this part is written as inside a snapshot. */
    Class<? extends KryoSerializable> snapshotType();

    /** The state after one of the events the module declared; state is null when the part is empty. */
    S apply(S state, UserEvent event);

    /** An immutable copy for a snapshot, or null when there is nothing to keep. */
    KryoSerializable snapshot(S state);

    /** Restores from {@link #snapshotType()} or one of {@link #legacySnapshotTypes()}. */
    S restore(KryoSerializable snapshot);

    /** Records earlier releases wrote this part as, which {@link #restore} still reads. */
    default java.util.Set<Class<? extends KryoSerializable>> legacySnapshotTypes() {
        return java.util.Set.of();
    }

    /** The part from a snapshot written before parts existed (one record for every feature), or null. */
    S fromV2(UserSnapshotV2 old);
}
