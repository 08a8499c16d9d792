package io.rookery.node.limits;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one log line through per interval and counts the events it stands for, so that an attack that trips a
 * limit thousands of times a second writes a line every few seconds, not thousands (the metric counts each one).
 * Thread-safe without a lock.
 */
public final class RateLimitedLog {
    /** One line per ten seconds per kind of event, as {@code http-request-refused} does. */
    public static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final long intervalNanos;
    private final AtomicLong unlogged = new AtomicLong();
    private final AtomicLong nextLineAt;

    public RateLimitedLog() {
        this(DEFAULT_INTERVAL_NANOS, System.nanoTime());
    }

    public RateLimitedLog(long intervalNanos, long now) {
        this.intervalNanos = intervalNanos;
        this.nextLineAt = new AtomicLong(now);
    }

    /**
     * Records one event; returns how many events the line to write now stands for (this one included), or 0 when
     * no line is due.
     */
    public long event(long now) {
        unlogged.incrementAndGet();
        long at = nextLineAt.get();
        if (now - at >= 0 && nextLineAt.compareAndSet(at, now + intervalNanos)) return unlogged.getAndSet(0);
        return 0;
    }
}
