package io.rookery.node.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The online-session records of one node, written in batches: each bind and unbind is queued with its timestamp, and
 * one flush a short interval after the first of them writes everything queued, a batch per bucket. A bind is recorded
 * in the bucket of the flush window it falls in (the windows take the buckets in turn), so that a storm of logins
 * costs one Cassandra write per window instead of one per login; the session keeps its bucket for the unbind.
 * Nothing waits for these writes: a node that crashes loses at most the records of its last window.
 */
public final class OnlineSessionWrites {
    /**
     * A bind ({@code insert}) or an unbind, at {@code micros} (the write timestamp, so that order does not matter);
     * smId: the bound session's stream can be resumed after a node loss (XEP-0198), null for a plain bind.
     */
    public record Op(boolean insert, int bucket, String jid, String resource, long micros, String smId) {
        public Op(boolean insert, int bucket, String jid, String resource, long micros) {
            this(insert, bucket, jid, resource, micros, null);
        }
    }

    /** Writes the ops of one bucket together; the ops of one call are at most {@link #MAX_BATCH}. */
    public interface Store {
        CompletionStage<?> write(int bucket, List<Op> ops);
    }

    /** Schedules the flush after the interval, on any thread. */
    public interface Scheduler {
        void runLater(Runnable flush);
    }

    /** Rows per Cassandra batch: about 4 KiB, under Cassandra's default batch size warning (5 KiB). */
    static final int MAX_BATCH = 24;

    private final int buckets;
    private final Store store;
    private final Scheduler scheduler;
    private final Consumer<Throwable> failed;
    private final ConcurrentLinkedQueue<Op> queued = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final AtomicInteger window = new AtomicInteger();
    private final AtomicLong lastMicros = new AtomicLong();
    private volatile boolean closed;

    public OnlineSessionWrites(int buckets, Store store, Scheduler scheduler, Consumer<Throwable> failed) {
        this.buckets = buckets;
        this.store = store;
        this.scheduler = scheduler;
        this.failed = failed;
    }

    /** Records a bound session; returns the bucket its record goes to, which {@link #unbound} needs. */
    public int bound(String jid, String resource) {
        int bucket = Math.floorMod(window.get(), buckets);
        queue(new Op(true, bucket, jid, resource, micros()));
        return bucket;
    }

    /** The bound session's stream is kept after a node loss under this SM-ID (in the bucket its bind went to). */
    public void resumable(int bucket, String jid, String resource, String smId) {
        queue(new Op(true, bucket, jid, resource, micros(), smId));
    }

    public void unbound(int bucket, String jid, String resource) {
        queue(new Op(false, bucket, jid, resource, micros()));
    }

    /** No more writes: the node's records are being dropped. */
    public void close() {
        closed = true;
        queued.clear();
    }

    /** Strictly increasing microseconds, so that a bind and the unbind after it never share a timestamp. */
    private long micros() {
        long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        return lastMicros.updateAndGet(last -> Math.max(now, last + 1));
    }

    private void queue(Op op) {
        if (closed) return;
        queued.add(op);
        if (flushScheduled.compareAndSet(false, true)) scheduler.runLater(this::flush);
    }

    /** Writes everything queued; runs once per window. */
    void flush() {
        // Cleared first: what is queued from now on schedules the next flush, what was queued before is taken here.
        flushScheduled.set(false);
        window.incrementAndGet();
        List<List<Op>> byBucket = new ArrayList<>();
        for (int i = 0; i < buckets; i++) byBucket.add(null);
        Op op;
        while ((op = queued.poll()) != null) {
            List<Op> ops = byBucket.get(op.bucket());
            if (ops == null) byBucket.set(op.bucket(), ops = new ArrayList<>());
            ops.add(op);
            if (ops.size() == MAX_BATCH) {
                write(op.bucket(), ops);
                byBucket.set(op.bucket(), null);
            }
        }
        for (int b = 0; b < buckets; b++) {
            if (byBucket.get(b) != null) write(b, byBucket.get(b));
        }
    }

    private void write(int bucket, List<Op> ops) {
        if (closed) return;
        try {
            store.write(bucket, ops).whenComplete((r, failure) -> {
                if (failure != null) failed.accept(failure);
            });
        } catch (RuntimeException e) {
            failed.accept(e);
        }
    }
}
