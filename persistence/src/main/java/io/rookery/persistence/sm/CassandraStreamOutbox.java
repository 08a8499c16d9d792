package io.rookery.persistence.sm;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link StreamOutbox} in Cassandra, table {@code sm_streams}: one partition per SM-ID, the header in static
 * columns, a row per message. A write is one unlogged batch within the partition (a single mutation); when it clears
 * rows first, the range delete is timestamped just before the inserts, so that they are not shadowed by it.
 */
public final class CassandraStreamOutbox implements StreamOutbox {
    private final CqlSession session;
    private final int ttlSeconds;
    private final PreparedStatement header;
    private final PreparedStatement entry;
    private final PreparedStatement clear;
    private final PreparedStatement read;
    private final PreparedStatement readHeader;
    private final PreparedStatement recent;
    private final PreparedStatement delete;
    private final AtomicLong lastMicros = new AtomicLong();

    /** ttlSeconds: how long a stream's rows live (an unacknowledged message past it is only in the archive). */
    public CassandraStreamOutbox(CqlSession session, String keyspace, int ttlSeconds) {
        this.session = session;
        this.ttlSeconds = ttlSeconds;
        String t = keyspace + ".sm_streams";
        this.header = session.prepare("UPDATE " + t + " USING TTL ? AND TIMESTAMP ? SET jid = ?, resource = ?,"
                + " handled = ?, acknowledged = ?, presence = ?, flags = ?, owner = ? WHERE sm_id = ?");
        this.entry = session.prepare("INSERT INTO " + t + " (sm_id, seq, stanza) VALUES (?, ?, ?) USING TTL ?"
                + " AND TIMESTAMP ?");
        this.clear = session.prepare("DELETE FROM " + t + " USING TIMESTAMP ? WHERE sm_id = ? AND seq > ?");
        this.read = session.prepare("SELECT seq, stanza FROM " + t + " WHERE sm_id = ? AND seq > ?");
        // Static columns alone: a slice that matches no row would not return them.
        this.readHeader = session.prepare("SELECT jid, resource, handled, acknowledged, presence, flags, owner FROM " + t
                + " WHERE sm_id = ? LIMIT 1");
        this.recent = session.prepare("SELECT seq, stanza, WRITETIME(stanza) FROM " + t
                + " WHERE sm_id = ? AND seq <= ? ORDER BY seq DESC LIMIT ?");
        this.delete = session.prepare("DELETE FROM " + t + " WHERE sm_id = ?");
    }

    /** Strictly increasing microseconds: two writes of one stream never share a timestamp. */
    private long micros() {
        long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        return lastMicros.updateAndGet(last -> Math.max(now, last + 2));
    }

    @Override
    public CompletionStage<Void> write(String smId, Header h, List<Entry> entries, long clearAbove) {
        long at = micros();
        BatchStatementBuilder b = BatchStatement.builder(DefaultBatchType.UNLOGGED);
        if (clearAbove >= 0) b.addStatement(clear.bind(at - 1, smId, clearAbove));
        b.addStatement(header.bind(ttlSeconds, at, h.jid(), h.resource(), h.handled(), h.acknowledged(),
                h.presence(), h.flags(), h.owner(), smId));
        for (Entry e : entries) b.addStatement(entry.bind(smId, e.seq(), e.stanza(), ttlSeconds, at));
        BatchStatement batch = b.build();
        return session.executeAsync(batch.size() == 1 ? (com.datastax.oss.driver.api.core.cql.Statement<?>)
                batch.iterator().next() : batch).thenApply(rs -> null);
    }

    @Override
    public CompletionStage<Stream> read(String smId, long above) {
        CompletableFuture<Header> header = session.executeAsync(readHeader.bind(smId)).toCompletableFuture()
                .thenApply(rs -> {
                    Row row = rs.one();
                    if (row == null || row.isNull(0)) return null;
                    return new Header(row.getString(0), row.getString(1), row.getLong(2), row.getLong(3),
                            row.getString(4), row.getInt(5), row.getString(6));
                });
        List<Entry> entries = new ArrayList<>();
        CompletableFuture<Void> rows = session.executeAsync(read.bind(smId, above))
                .thenCompose(rs -> collect(rs, entries)).toCompletableFuture();
        return header.thenCombine(rows, (h, v) -> h == null ? null : new Stream(h, entries));
    }

    private static CompletionStage<Void> collect(AsyncResultSet rs, List<Entry> entries) {
        for (Row row : rs.currentPage()) {
            if (!row.isNull(1)) entries.add(new Entry(row.getLong(0), row.getString(1)));
        }
        if (rs.hasMorePages()) return rs.fetchNextPage().thenCompose(next -> collect(next, entries));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<Entry>> recent(String smId, long atOrBelow, int limit, int windowSeconds) {
        return session.executeAsync(recent.bind(smId, atOrBelow, limit)).thenApply(rs -> {
            List<Entry> out = new ArrayList<>();
            long newest = -1;
            // One page: the limit is small.
            for (Row row : rs.currentPage()) {
                if (row.isNull(1)) continue;
                long written = row.getLong(2);
                if (newest < 0) newest = written;
                if (newest - written > TimeUnit.SECONDS.toMicros(windowSeconds)) break;
                out.add(new Entry(row.getLong(0), row.getString(1)));
            }
            return out;
        });
    }

    @Override
    public CompletionStage<Void> delete(String smId) {
        return session.executeAsync(delete.bind(smId)).thenApply(rs -> null);
    }
}
