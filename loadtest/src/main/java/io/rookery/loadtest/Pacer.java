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
        return Math.max(0, dueBy(nowNanos) - done);
    }

    /** Operations due in total by nowNanos, taken or not. */
    private long dueBy(long nowNanos) {
        long elapsed = Math.max(0, nowNanos - startNanos);
        // +1: the first operation is due at the start, not after one interval.
        return (long) Math.floor(elapsed * perNano) + 1;
    }

    /**
     * When operation number index (0 for the first) was due: the time an open-loop client meant to start it. A
     * latency measured from this time, not from when the operation was actually started, includes the client's own
     * lateness, so a client that stalls cannot hide the delay from its figures (coordinated omission).
     */
    long dueAt(long index) {
        if (perNano == 0 || index <= 0) return startNanos;
        long at = startNanos + (long) Math.ceil(index / perNano);
        // The division and due()'s multiplication round differently: settle on the first nanosecond that due()
        // counts the operation in, so that both agree.
        while (dueBy(at) <= index) at++;
        while (dueBy(at - 1) > index) at--;
        return at;
    }

    /** Records that n operations were done. */
    void took(long n) {
        done += n;
    }

    long done() {
        return done;
    }
}
