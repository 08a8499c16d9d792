package io.rookery.persistence.offline;

import io.rookery.persistence.user.UserEvent;

/** The oldest {@code count} messages of the offline queue were delivered and are removed from it. */
public record OfflineMessagesDelivered(int count) implements UserEvent {

    public OfflineMessagesDelivered {
        if (count < 0) throw new IllegalArgumentException("delivered count " + count + " is negative");
    }
}
