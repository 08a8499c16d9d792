package io.rookery.loadtest;

/**
 * Open-loop pacing: how many operations are due at a given time for a constant rate since a start time, whatever
 * was late before (a stalled loop catches up rather than silently lowering the offered rate). Rate 0 means
 * unpaced: everything is due at once. Not thread-safe; each I/O thread paces its own share.
 */
final class Pacer {
    private final long startNanos;
    private final double perNano;
    private long done;

    Pacer(long startNanos, double perSecond) {
        if (perSecond < 0) throw new IllegalArgumentException("negative rate");
        this.startNanos = startNanos;
        this.perNano = perSecond / 1e9;
    }

    /** Operations due at nowNanos and not yet taken; Long.MAX_VALUE when unpaced. */
    long due(long nowNanos) {
        if (perNano == 0) return Long.MAX_VALUE;
        long elapsed = Math.max(0, nowNanos - startNanos);
        // +1: the first operation is due at the start, not after one interval.
        long total = (long) Math.floor(elapsed * perNano) + 1;
        return Math.max(0, total - done);
    }

    /** Records that n operations were done. */
    void took(long n) {
        done += n;
    }

    long done() {
        return done;
    }
}
