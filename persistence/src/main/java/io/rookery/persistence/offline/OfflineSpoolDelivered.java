package io.rookery.persistence.offline;

import io.rookery.persistence.user.UserEvent;

/**
 * The spooled messages up to and including {@code upToSeq} were handed to a resource and leave the spool;
 * {@code bytes} is what they weighed.
 */
public record OfflineSpoolDelivered(long upToSeq, long bytes) implements UserEvent {
    public OfflineSpoolDelivered {
        if (upToSeq < 0) throw new IllegalArgumentException("spool number " + upToSeq + " is negative");
        if (bytes < 0) throw new IllegalArgumentException("delivered bytes " + bytes + " is negative");
    }
}
