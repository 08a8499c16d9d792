package io.rookery.persistence.mam;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link ArchiveStore} in Cassandra, table {@code mam_messages}: partition (owner, with_jid), rows by id. A message
 * is written to up to three partitions (the whole archive, the peer's bare JID, its full JID) in one unlogged
 * batch: one request. The layout is MongooseIM's Cassandra archive's; a partition grows with what a user exchanges
 * until the retention TTL removes it.
 */
public final class CassandraArchiveStore implements ArchiveStore {
    /** Rows read per page while an account's archive is removed. */
    private static final int REMOVE_PAGE = 1000;

    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement ascending;
    private final PreparedStatement descending;
    private final PreparedStatement byIds;
    private final PreparedStatement peers;
    private final PreparedStatement deleteView;

    public CassandraArchiveStore(CqlSession session, String keyspace) {
        this.session = session;
        String t = keyspace + ".mam_messages";
        this.insert = session.prepare("INSERT INTO " + t + " (owner, with_jid, id, peer, stanza) VALUES (?, ?, ?, ?, ?)"
                + " USING TTL ?");
        String range = "SELECT id, peer, stanza FROM " + t + " WHERE owner = ? AND with_jid = ? AND id >= ? AND id <= ?";
        this.ascending = session.prepare(range + " ORDER BY id ASC LIMIT ?");
        this.descending = session.prepare(range + " ORDER BY id DESC LIMIT ?");
        this.byIds = session.prepare("SELECT id, peer, stanza FROM " + t + " WHERE owner = ? AND with_jid = ? AND id IN ?");
        this.peers = session.prepare("SELECT peer FROM " + t + " WHERE owner = ? AND with_jid = ?");
        this.deleteView = session.prepare("DELETE FROM " + t + " WHERE owner = ? AND with_jid = ?");
    }

    /** The views a message exchanged with peer is kept in. */
    static List<String> views(String peer) {
        int slash = peer.indexOf('/');
        return slash < 0 ? List.of(ALL, peer) : List.of(ALL, peer.substring(0, slash), peer);
    }

    @Override
    public CompletionStage<Void> put(String owner, long id, String peer, String stanzaXml, int ttlSeconds) {
        BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.UNLOGGED);
        for (String view : views(peer)) batch.addStatement(insert.bind(owner, view, id, peer, stanzaXml, ttlSeconds));
        return session.executeAsync(batch.build()).thenApply(rs -> null);
    }

    @Override
    public CompletionStage<List<Archived>> range(String owner, String view, long from, long to, boolean desc,
            int limit) {
        if (from > to || limit <= 0) return CompletableFuture.completedFuture(List.of());
        PreparedStatement ps = desc ? descending : ascending;
        // One page holds the limit (a query page plus one).
        return session.executeAsync(ps.bind(owner, view, from, to, limit).setPageSize(limit)).thenApply(this::rows);
    }

    @Override
    public CompletionStage<List<Archived>> byIds(String owner, List<Long> ids) {
        if (ids.isEmpty()) return CompletableFuture.completedFuture(List.of());
        List<Long> distinct = new ArrayList<>(new java.util.TreeSet<>(ids));
        return session.executeAsync(byIds.bind(owner, ALL, distinct).setPageSize(distinct.size()))
                .thenApply(this::rows);
    }

    private List<Archived> rows(AsyncResultSet rs) {
        List<Archived> out = new ArrayList<>();
        for (Row row : rs.currentPage()) out.add(new Archived(row.getLong(0), row.getString(1), row.getString(2)));
        return out;
    }

    /** Reads the peers of the whole archive page by page, deletes their views, then the whole archive's. */
    @Override
    public CompletionStage<Void> removeAll(String owner) {
        Set<String> views = new LinkedHashSet<>();
        return session.executeAsync(peers.bind(owner, ALL).setPageSize(REMOVE_PAGE))
                .thenCompose(rs -> collect(rs, views))
                .thenCompose(v -> {
                    List<CompletableFuture<AsyncResultSet>> deletes = new ArrayList<>();
                    for (String view : views) {
                        deletes.add(session.executeAsync(deleteView.bind(owner, view)).toCompletableFuture());
                    }
                    return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new));
                })
                .thenCompose(v -> session.executeAsync(deleteView.bind(owner, ALL)))
                .thenApply(rs -> null);
    }

    private CompletionStage<Void> collect(AsyncResultSet rs, Set<String> views) {
        for (Row row : rs.currentPage()) {
            for (String view : views(row.getString(0))) if (!view.isEmpty()) views.add(view);
        }
        return rs.hasMorePages() ? rs.fetchNextPage().thenCompose(next -> collect(next, views))
                : CompletableFuture.completedFuture(null);
    }
}
