package io.rookery.node.cluster;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.protocol.jid.Jid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The sessions each node incarnation holds, in Cassandra (tables online_sessions and online_nodes). A session's node
 * writes its row when the resource is bound and deletes it when it is unbound, without waiting for either, in
 * batches ({@link OnlineSessionWrites}: one write per bucket and flush window, not one per login); after a node is
 * lost, a survivor reads what it held ({@link LostSessions}). The price of contacts learning that a crashed node's
 * users went offline.
 */
public final class OnlineSessions {
    static final int BUCKETS = 64;

    /**
     * A session a node held: the user's bare JID and the resource, and the SM-ID its stream is kept under after a
     * node loss (null: none).
     */
    public record Held(Jid user, String resource, String smId) {}

    private final CqlSession session;
    private final NodeMetrics metrics;
    private final String self;
    private final PreparedStatement insert;
    private final PreparedStatement insertResumable;
    private final PreparedStatement delete;
    private final PreparedStatement listBucket;
    private final PreparedStatement dropBucket;
    private final PreparedStatement nodeStarted;
    private final PreparedStatement nodeGone;
    private final PreparedStatement nodes;
    private final OnlineSessionWrites writes;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OnlineSessions.class);
    private final io.rookery.node.limits.RateLimitedLog failureLog = new io.rookery.node.limits.RateLimitedLog();

    /**
     * {@code self}: this node's incarnation (address and uid), so a restarted node never mixes with its past;
     * {@code scheduler}: runs a flush of the queued writes after the flush interval.
     */
    public OnlineSessions(CqlSession session, String keyspace, String self, NodeMetrics metrics,
            OnlineSessionWrites.Scheduler scheduler) {
        this.session = session;
        this.metrics = metrics;
        this.self = self;
        String t = keyspace + ".online_sessions";
        this.insert = session.prepare("INSERT INTO " + t + " (node, bucket, jid, resource) VALUES (?, ?, ?, ?)"
                + " USING TIMESTAMP ?");
        this.insertResumable = session.prepare("INSERT INTO " + t + " (node, bucket, jid, resource, sm_id)"
                + " VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?");
        this.delete = session.prepare("DELETE FROM " + t + " USING TIMESTAMP ? WHERE node = ? AND bucket = ?"
                + " AND jid = ? AND resource = ?");
        this.listBucket = session.prepare("SELECT jid, resource, sm_id FROM " + t + " WHERE node = ? AND bucket = ?");
        this.dropBucket = session.prepare("DELETE FROM " + t + " WHERE node = ? AND bucket = ?");
        this.nodeStarted = session.prepare("INSERT INTO " + keyspace + ".online_nodes (node, started_at) VALUES (?, ?)");
        this.nodeGone = session.prepare("DELETE FROM " + keyspace + ".online_nodes WHERE node = ?");
        this.nodes = session.prepare("SELECT node FROM " + keyspace + ".online_nodes");
        this.writes = new OnlineSessionWrites(BUCKETS, this::write, scheduler, this::writeFailed);
    }

    public String self() {
        return self;
    }


    /** Registers this node incarnation; called once at start, before any session binds. */
    public void started() {
        session.execute(nodeStarted.bind(self, Instant.now()));
    }

    private void writeFailed(Throwable failure) {
        metrics.cassandraError("online-session-write");
        long lines = failureLog.event(System.nanoTime());
        if (lines > 0) {
            LOG.warn("online-session-write-failed node={} failures-since-last-line={} error={}", self, lines,
                    failure.toString());
        }
    }

    /** Records a bound resource; returns the bucket of its record, for {@link #unbound}. */
    public int bound(Jid full) {
        return writes.bound(full.bare().toString(), full.resource());
    }

    /** The session bound to full (bucket from {@link #bound}) keeps its stream under smId (XEP-0198). */
    public void resumable(Jid full, int bucket, String smId) {
        writes.resumable(bucket, full.bare().toString(), full.resource(), smId);
    }

    public void unbound(Jid full, int bucket) {
        writes.unbound(bucket, full.bare().toString(), full.resource());
    }

    private CompletionStage<?> write(int bucket, List<OnlineSessionWrites.Op> ops) {
        List<BatchableStatement<?>> statements = new ArrayList<>(ops.size());
        for (OnlineSessionWrites.Op op : ops) {
            statements.add(!op.insert() ? delete.bind(op.micros(), self, bucket, op.jid(), op.resource())
                    : op.smId() == null ? insert.bind(self, bucket, op.jid(), op.resource(), op.micros())
                    : insertResumable.bind(self, bucket, op.jid(), op.resource(), op.smId(), op.micros()));
        }
        // One partition: an unlogged batch is a single write of all its rows.
        return session.executeAsync(statements.size() == 1 ? (Statement<?>) statements.get(0)
                : BatchStatement.newInstance(DefaultBatchType.UNLOGGED, statements));
    }

    /** Node incarnations that registered and were not cleaned up after. */
    public CompletionStage<List<String>> knownNodes() {
        return session.executeAsync(nodes.bind()).thenCompose(rs -> collect(rs, new ArrayList<>(), r -> r.getString(0)));
    }

    /** Every session a node incarnation held when it was lost. */
    public CompletionStage<List<Held>> heldBy(String node) {
        List<CompletableFuture<List<Held>>> parts = new ArrayList<>(BUCKETS);
        for (int b = 0; b < BUCKETS; b++) {
            parts.add(session.executeAsync(listBucket.bind(node, b)).toCompletableFuture()
                    .thenCompose(rs -> collect(rs, new ArrayList<>(), OnlineSessions::held)));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<Held> all = new ArrayList<>();
            for (CompletableFuture<List<Held>> p : parts) all.addAll(p.join());
            return all;
        });
    }

    /**
     * Every session these node incarnations hold, as they last wrote them (a flush interval behind), one result
     * page at a time: buckets are read one after the other, so at most one page is in memory and one query runs.
     * {@code page} runs on a driver thread, once per page, and must not block.
     */
    public CompletionStage<Void> forEachHeld(List<String> nodes, java.util.function.Consumer<List<Held>> page) {
        CompletionStage<Void> all = CompletableFuture.completedFuture(null);
        for (String node : nodes) {
            for (int b = 0; b < BUCKETS; b++) {
                int bucket = b;
                all = all.thenCompose(v -> session.executeAsync(listBucket.bind(node, bucket))
                        .thenCompose(rs -> pages(rs, page)));
            }
        }
        return all;
    }

    private static CompletionStage<Void> pages(AsyncResultSet rs, java.util.function.Consumer<List<Held>> page) {
        List<Held> held = new ArrayList<>(rs.remaining());
        for (Row row : rs.currentPage()) {
            Held h = held(row);
            if (h != null) held.add(h);
        }
        page.accept(held);
        if (rs.hasMorePages()) return rs.fetchNextPage().thenCompose(next -> pages(next, page));
        return CompletableFuture.completedFuture(null);
    }

    /** Forgets a lost node incarnation once its sessions were dealt with; this node's own when it leaves. */
    public CompletionStage<Void> forget(String node) {
        if (node.equals(self)) writes.close();
        List<CompletableFuture<?>> parts = new ArrayList<>(BUCKETS + 1);
        for (int b = 0; b < BUCKETS; b++) parts.add(session.executeAsync(dropBucket.bind(node, b)).toCompletableFuture());
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenCompose(v -> session.executeAsync(nodeGone.bind(node)))
                .thenApply(rs -> null);
    }

    private static Held held(Row row) {
        try {
            return new Held(Jid.parse(row.getString(0)), row.getString(1), row.getString(2));
        } catch (io.rookery.protocol.jid.InvalidJidException e) {
            return null; // only this node writes the table; an unreadable row is skipped
        }
    }

    private static <T> CompletionStage<List<T>> collect(AsyncResultSet rs, List<T> into,
            java.util.function.Function<Row, T> read) {
        for (Row row : rs.currentPage()) {
            T t = read.apply(row);
            if (t != null) into.add(t);
        }
        if (rs.hasMorePages()) return rs.fetchNextPage().thenCompose(next -> collect(next, into, read));
        return CompletableFuture.completedFuture(into);
    }
}
