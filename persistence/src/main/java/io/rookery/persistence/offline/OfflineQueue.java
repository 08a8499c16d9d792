package io.rookery.persistence.offline;

import io.rookery.persistence.kryo.KryoSerializable;
import java.util.List;

/** The offline module's part of a user snapshot: the queue, oldest first. */
public record OfflineQueue(List<OfflineMessage> messages) implements KryoSerializable {
    public OfflineQueue {
        messages = List.copyOf(messages);
    }
}
