package io.rookery.node.ext.offline;

import io.rookery.node.ext.AccountPart;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.offline.OfflineMessage;
import io.rookery.persistence.offline.OfflineMessageStored;
import io.rookery.persistence.offline.OfflineMessagesDelivered;
import io.rookery.persistence.offline.OfflineQueue;
import io.rookery.persistence.user.UserEvent;
import io.rookery.persistence.user.UserSnapshotV2;
import java.util.ArrayDeque;

/** The offline queue, oldest first; delivery removes from the front. */
final class OfflinePart implements AccountPart<ArrayDeque<OfflineMessage>> {
    @Override
    public Class<? extends KryoSerializable> snapshotType() {
        return OfflineQueue.class;
    }

    @Override
    public ArrayDeque<OfflineMessage> apply(ArrayDeque<OfflineMessage> queue, UserEvent event) {
        if (event instanceof OfflineMessageStored e) {
            if (queue == null) queue = new ArrayDeque<>();
            queue.addLast(e.message());
        } else if (event instanceof OfflineMessagesDelivered e && queue != null) {
            for (int i = 0; i < e.count() && !queue.isEmpty(); i++) queue.removeFirst();
        }
        return queue == null || queue.isEmpty() ? null : queue;
    }

    @Override
    public KryoSerializable snapshot(ArrayDeque<OfflineMessage> queue) {
        return queue.isEmpty() ? null : new OfflineQueue(queue.stream().toList());
    }

    @Override
    public ArrayDeque<OfflineMessage> restore(KryoSerializable snapshot) {
        return queue(((OfflineQueue) snapshot).messages());
    }

    @Override
    public ArrayDeque<OfflineMessage> fromV2(UserSnapshotV2 old) {
        return queue(old.offline());
    }

    private static ArrayDeque<OfflineMessage> queue(java.util.List<OfflineMessage> messages) {
        return messages.isEmpty() ? null : new ArrayDeque<>(messages);
    }
}
