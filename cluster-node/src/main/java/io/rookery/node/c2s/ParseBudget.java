package io.rookery.node.c2s;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap all connections of a node may hold in unfinished stanzas together ({@code rookery.c2s.parse-budget}).
 * Each connection's parser is already bounded ({@code max-stanza-bytes}, four times that in heap), but many
 * connections each at their bound could still exhaust the heap. A connection holds its first {@link #FREE_BYTES}
 * without asking, so ordinary stanzas never touch the shared counter; beyond that it reserves from the budget as its
 * unfinished stanza grows and gives back when it completes. A connection that finds the budget spent is closed with
 * {@code resource-constraint} (RFC 6120 §4.9.3.17): the server lacks the resources to service that stream now, while
 * the connections already holding their share go on. Thread-safe without a lock.
 */
public final class ParseBudget {
    /** Held by each connection without a reservation: more than any ordinary stanza's tree. */
    public static final long FREE_BYTES = 32 << 10;
    /** No node-wide bound (tests of a single stage). */
    public static final ParseBudget UNLIMITED = new ParseBudget(Long.MAX_VALUE);

    private final long capacity;
    private final AtomicLong used = new AtomicLong();

    public ParseBudget(long capacity) {
        if (capacity <= 0) throw new IllegalArgumentException("parse budget " + capacity);
        this.capacity = capacity;
    }

    /** The budget of {@code rookery.c2s.parse-budget}: the setting, or when it is 0 an eighth of the heap. */
    public static ParseBudget of(long setting) {
        return new ParseBudget(setting > 0 ? setting : Math.max(FREE_BYTES, Runtime.getRuntime().maxMemory() / 8));
    }

    public long capacity() {
        return capacity;
    }

    public long used() {
        return used.get();
    }

    /** Takes {@code bytes} if the budget has them; false (and nothing taken) if not. */
    boolean reserve(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > capacity) return false;
            if (used.compareAndSet(now, now + bytes)) return true;
        }
    }

    void release(long bytes) {
        if (bytes > 0) used.addAndGet(-bytes);
    }

    /**
     * One connection's reservation follows its parser: given what it has reserved and what its parser now holds,
     * the new reservation (what it holds beyond {@link #FREE_BYTES}), or -1 when growing to it would pass the budget
     * (nothing is taken then). Kept by the connection as a plain long: no object per connection.
     */
    long hold(long reserved, long retained) {
        long want = Math.max(0, retained - FREE_BYTES);
        if (want > reserved) {
            if (!reserve(want - reserved)) return -1;
        } else if (want < reserved) {
            release(reserved - want);
        }
        return want;
    }
}
