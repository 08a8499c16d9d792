package io.rookery.persistence.mam;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Group commit for archive writes: while a batch is on its way to Cassandra, the writes that arrive wait and go
 * together in the next unlogged batch, up to a number of rows and bytes (Cassandra refuses batches past
 * {@code batch_size_fail_threshold}, 50 KiB by default). Under light load every write goes alone, at once; under
 * heavy load a request carries many, which saves Cassandra and the driver most of their cost per request. There is
 * no timer: a batch leaves when the one before it returns. A write larger than a batch may be goes alone, as separate
 * statements (Cassandra refuses batches past {@code batch_size_fail_threshold}, 50 KiB by default; it warns past 5
 * KiB, which batches pass on purpose, so the driver profile {@link #PROFILE} does not log that). Writes past
 * {@code maxQueued} waiting, or past {@code maxQueuedBytes} of them, fail at once rather than pile up in the heap
 * while Cassandra is slow.
 */
final class ArchiveWriteBatcher {
    /** The driver profile of the batches (persistence's reference.conf): Cassandra's size warnings not logged. */
    static final String PROFILE = "rookery-archive-writes";

    private record Pending(List<BatchableStatement<?>> rows, int bytes, CompletableFuture<Void> done) {}

    private final CqlSession session;
    private final int maxInFlight;
    private final int maxRows;
    private final int maxBytes;
    private final int maxQueued;
    private final long maxQueuedBytes;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int inFlight;
    private long queuedBytes;

    ArchiveWriteBatcher(CqlSession session, int maxInFlight, int maxRows, int maxBytes, int maxQueued,
            long maxQueuedBytes) {
        this.session = session;
        this.maxInFlight = maxInFlight;
        this.maxRows = maxRows;
        this.maxBytes = maxBytes;
        this.maxQueued = maxQueued;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /** Writes these rows (in one batch, with others or alone); completes once Cassandra has them. */
    CompletionStage<Void> write(List<BatchableStatement<?>> rows, int bytes) {
        Pending p = new Pending(rows, bytes, new CompletableFuture<>());
        List<Pending> batch;
        synchronized (this) {
            if (queue.size() >= maxQueued || (!queue.isEmpty() && queuedBytes + bytes > maxQueuedBytes)) {
                return CompletableFuture.failedFuture(new IllegalStateException("archive writes waiting for Cassandra"
                        + " passed " + maxQueued + " or " + maxQueuedBytes + " bytes"));
            }
            queue.add(p);
            queuedBytes += bytes;
            batch = nextBatch();
        }
        if (batch != null) send(batch);
        return p.done();
    }

    /** The next batch to send, or null when the in-flight limit is reached or nothing waits. Holds the lock. */
    private List<Pending> nextBatch() {
        if (inFlight >= maxInFlight || queue.isEmpty()) return null;
        List<Pending> batch = new ArrayList<>();
        int rows = 0;
        int bytes = 0;
        while (!queue.isEmpty()) {
            Pending next = queue.peek();
            // The first write always goes, whatever its size.
            if (!batch.isEmpty() && (rows + next.rows().size() > maxRows || bytes + next.bytes() > maxBytes)) break;
            queue.poll();
            queuedBytes -= next.bytes();
            batch.add(next);
            rows += next.rows().size();
            bytes += next.bytes();
        }
        inFlight++;
        return batch;
    }

    private void send(List<Pending> batch) {
        CompletionStage<?> sent;
        try {
            if (batch.size() == 1 && batch.get(0).bytes() > maxBytes) {
                // Too large for a batch: its statements one by one, together.
                List<CompletableFuture<?>> each = new ArrayList<>();
                for (BatchableStatement<?> row : batch.get(0).rows()) {
                    each.add(session.executeAsync(row).toCompletableFuture());
                }
                sent = CompletableFuture.allOf(each.toArray(CompletableFuture[]::new));
            } else {
                BatchStatementBuilder b = BatchStatement.builder(DefaultBatchType.UNLOGGED)
                        .setExecutionProfileName(PROFILE);
                for (Pending p : batch) for (BatchableStatement<?> row : p.rows()) b.addStatement(row);
                sent = session.executeAsync(b.build());
            }
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((rs, failure) -> {
            for (Pending p : batch) {
                if (failure == null) p.done().complete(null);
                else p.done().completeExceptionally(failure);
            }
            List<Pending> next;
            synchronized (this) {
                inFlight--;
                next = nextBatch();
            }
            if (next != null) send(next);
        });
    }
}
