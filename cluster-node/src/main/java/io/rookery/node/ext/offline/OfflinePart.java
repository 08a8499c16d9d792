package io.rookery.node.ext.offline;

import io.rookery.node.ext.AccountPart;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.offline.OfflineMessage;
import io.rookery.persistence.offline.OfflineMessageSpooled;
import io.rookery.persistence.offline.OfflineMessageStored;
import io.rookery.persistence.offline.OfflineMessagesDelivered;
import io.rookery.persistence.offline.OfflineQueue;
import io.rookery.persistence.offline.OfflineSpool;
import io.rookery.persistence.offline.OfflineSpoolDelivered;
import io.rookery.persistence.user.UserEvent;
import io.rookery.persistence.user.UserSnapshotV2;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which spool numbers hold the account's offline messages and what they weigh; the messages are in the store. Once
 * an account has spooled a message the part stays (with an empty range), so its numbers only grow and a number is
 * never written again after its row was deleted. Messages of earlier releases, kept in the state itself
 * ({@link OfflineMessageStored}, {@link OfflineQueue}), are {@code legacy} and leave it as they are delivered.
 */
final class OfflinePart implements AccountPart<OfflineSpool> {
    @Override
    public Class<? extends KryoSerializable> snapshotType() {
        return OfflineSpool.class;
    }

    @Override
    public Set<Class<? extends KryoSerializable>> legacySnapshotTypes() {
        return Set.of(OfflineQueue.class);
    }

    @Override
    public OfflineSpool apply(OfflineSpool spool, UserEvent event) {
        if (event instanceof OfflineMessageSpooled e) {
            if (spool == null) return new OfflineSpool(List.of(), e.seq(), e.seq() + 1, e.bytes());
            long first = spool.next() == spool.first() ? e.seq() : spool.first();
            return new OfflineSpool(spool.legacy(), first, Math.max(spool.next(), e.seq() + 1),
                    spool.bytes() + e.bytes());
        }
        if (spool == null) {
            return event instanceof OfflineMessageStored e ? new OfflineSpool(List.of(e.message()), 0, 0, 0) : null;
        }
        if (event instanceof OfflineSpoolDelivered e) {
            long first = Math.min(Math.max(spool.first(), e.upToSeq() + 1), spool.next());
            // Emptied: nothing is left to weigh (a row lost in the store would otherwise count forever).
            long bytes = first == spool.next() ? 0 : Math.max(0, spool.bytes() - e.bytes());
            return new OfflineSpool(spool.legacy(), first, spool.next(), bytes);
        }
        if (event instanceof OfflineMessageStored e) {
            List<OfflineMessage> legacy = new ArrayList<>(spool.legacy());
            legacy.add(e.message());
            return new OfflineSpool(legacy, spool.first(), spool.next(), spool.bytes());
        }
        if (event instanceof OfflineMessagesDelivered e) {
            List<OfflineMessage> legacy = spool.legacy();
            List<OfflineMessage> left = legacy.subList(Math.min(e.count(), legacy.size()), legacy.size());
            if (left.isEmpty() && spool.next() == 0) return null;
            return new OfflineSpool(left, spool.first(), spool.next(), spool.bytes());
        }
        return spool;
    }

    @Override
    public KryoSerializable snapshot(OfflineSpool spool) {
        return spool;
    }

    @Override
    public OfflineSpool restore(KryoSerializable snapshot) {
        if (snapshot instanceof OfflineQueue old) return legacy(old.messages());
        return (OfflineSpool) snapshot;
    }

    @Override
    public OfflineSpool fromV2(UserSnapshotV2 old) {
        return legacy(old.offline());
    }

    private static OfflineSpool legacy(List<OfflineMessage> messages) {
        return messages.isEmpty() ? null : new OfflineSpool(messages, 0, 0, 0);
    }
}
