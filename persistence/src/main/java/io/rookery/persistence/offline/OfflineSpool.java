package io.rookery.persistence.offline;

import io.rookery.persistence.kryo.KryoSerializable;
import java.util.List;

/**
 * The offline module's part of a user snapshot: which spool numbers hold messages ({@code first} up to, not
 * including, {@code next}) and what they weigh. The messages themselves are in the {@link OfflineStore}, so the
 * snapshot stays a few bytes whatever is stored. {@code legacy} holds messages kept in the account's own state by
 * releases before the spool ({@link OfflineQueue}, {@link OfflineMessageStored}), delivered first; new messages
 * never go there.
 */
public record OfflineSpool(List<OfflineMessage> legacy, long first, long next, long bytes) implements KryoSerializable {
    public OfflineSpool {
        legacy = List.copyOf(legacy);
        if (first < 0 || next < first) throw new IllegalArgumentException("spool range " + first + ".." + next);
        if (bytes < 0) throw new IllegalArgumentException("spool bytes " + bytes + " is negative");
    }

    /** Messages waiting, legacy ones included. */
    public long count() {
        return legacy.size() + (next - first);
    }
}
