package io.rookery.persistence.offline;

import io.rookery.persistence.user.UserEvent;
import java.util.Objects;

/** The message was appended to the end of the offline queue. */
public record OfflineMessageStored(OfflineMessage message) implements UserEvent {

    public OfflineMessageStored {
        Objects.requireNonNull(message, "message");
    }
}
