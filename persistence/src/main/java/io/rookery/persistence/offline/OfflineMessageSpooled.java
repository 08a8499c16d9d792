package io.rookery.persistence.offline;

import io.rookery.persistence.user.UserEvent;

/**
 * A message was written to the offline spool ({@link OfflineStore}) under {@code seq}, the account's next spool
 * number; {@code bytes} is the size of its stored XML, for the spool's byte limit. Persisted only once the store
 * has the message, so every number the account counts as spooled is in the store.
 */
public record OfflineMessageSpooled(long seq, int bytes) implements UserEvent {
    public OfflineMessageSpooled {
        if (seq < 0) throw new IllegalArgumentException("spool number " + seq + " is negative");
        if (bytes < 0) throw new IllegalArgumentException("spooled bytes " + bytes + " is negative");
    }
}
