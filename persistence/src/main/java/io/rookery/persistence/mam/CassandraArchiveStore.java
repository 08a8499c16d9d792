package io.rookery.persistence.mam;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
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
 * is written to up to three partitions: its XML to the whole archive, its id (and peer) to the views of the peer's
 * bare and full JID, which a query by contact reads first, then the messages by id. All in an unlogged batch
 * that also carries the other messages archived meanwhile ({@link ArchiveWriteBatcher}). The layout is MongooseIM's Cassandra archive's; a partition grows with what a user exchanges
 * until the retention TTL removes it.
 */
public final class CassandraArchiveStore implements ArchiveStore {
    /** Rows read per page while an account's archive is removed. */
    private static final int REMOVE_PAGE = 1000;
    /** Messages read at a time for a query, so that its byte budget stops large ones early. */
    private static final int READ_PAGE = 50;

    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement insertIndex;
    private final PreparedStatement ascending;
    private final PreparedStatement descending;
    private final PreparedStatement byIds;
    private final PreparedStatement idsOnly;
    private final PreparedStatement peers;
    private final PreparedStatement deleteView;

    private final ArchiveWriteBatcher writes;

    /** With the default limits: 10,000 waiting writes, 16 MiB of them. */
    public CassandraArchiveStore(CqlSession session, String keyspace) {
        this(session, keyspace, 10_000, 16L << 20);
    }

    /**
     * @param maxQueuedWrites archive writes that may wait for Cassandra (each a message for one user); past it they
     *     fail at once
     * @param maxQueuedBytes the same, by the size of their XML
     */
    public CassandraArchiveStore(CqlSession session, String keyspace, int maxQueuedWrites, long maxQueuedBytes) {
        this.session = session;
        // Two batches on their way at a time; 100 rows and 40 KiB per batch, under Cassandra's 50 KiB refusal.
        this.writes = new ArchiveWriteBatcher(session, 2, 100, 40 << 10, maxQueuedWrites, maxQueuedBytes);
        String t = keyspace + ".mam_messages";
        this.insert = session.prepare("INSERT INTO " + t + " (owner, with_jid, id, peer, stanza) VALUES (?, ?, ?, ?, ?)"
                + " USING TTL ?");
        this.insertIndex = session.prepare("INSERT INTO " + t + " (owner, with_jid, id, peer) VALUES (?, ?, ?, ?)"
                + " USING TTL ?");
        String range = "SELECT id, peer, stanza FROM " + t + " WHERE owner = ? AND with_jid = ? AND id >= ? AND id <= ?";
        this.ascending = session.prepare(range + " ORDER BY id ASC LIMIT ?");
        this.descending = session.prepare(range + " ORDER BY id DESC LIMIT ?");
        this.byIds = session.prepare("SELECT id, peer, stanza FROM " + t + " WHERE owner = ? AND with_jid = ? AND id IN ?");
        this.idsOnly = session.prepare("SELECT id FROM " + t + " WHERE owner = ? AND with_jid = ? AND id IN ?");
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
        List<String> views = views(peer);
        List<com.datastax.oss.driver.api.core.cql.BatchableStatement<?>> rows = new ArrayList<>(views.size());
        // The XML once, in the whole archive; the contact's views only point at it.
        rows.add(insert.bind(owner, ALL, id, peer, stanzaXml, ttlSeconds));
        for (String view : views) if (!view.isEmpty()) rows.add(insertIndex.bind(owner, view, id, peer, ttlSeconds));
        // Counted as UTF-16 length: close enough for staying under the batch limit, which has room to spare.
        int bytes = stanzaXml.length() + views.size() * (owner.length() + 2 * peer.length() + 16);
        return writes.write(rows, bytes);
    }

    @Override
    public CompletionStage<List<Archived>> range(String owner, String view, long from, long to, boolean desc,
            int limit, long maxBytes) {
        if (from > to || limit <= 0) return CompletableFuture.completedFuture(List.of());
        PreparedStatement ps = desc ? descending : ascending;
        if (view.isEmpty()) {
            // Read in pages, so that a page of large messages stops early instead of arriving whole.
            List<Archived> out = new ArrayList<>();
            return session.executeAsync(ps.bind(owner, view, from, to, limit).setPageSize(Math.min(limit, READ_PAGE)))
                    .thenCompose(rs -> collect(rs, out, limit, maxBytes, 0));
        }
        CompletionStage<List<Archived>> page = session.executeAsync(ps.bind(owner, view, from, to, limit)
                .setPageSize(limit)).thenApply(this::rows);
        // A contact's view holds ids only: the messages themselves are read by id from the whole archive, in the
        // page's order.
        return page.thenCompose(index -> {
            if (index.isEmpty()) return CompletableFuture.completedFuture(index);
            List<Long> ids = new ArrayList<>(index.size());
            for (Archived a : index) ids.add(a.id());
            return byIds(owner, ids, maxBytes, desc).thenApply(found -> {
                java.util.Map<Long, Archived> byId = new java.util.HashMap<>();
                for (Archived a : found) byId.put(a.id(), a);
                List<Archived> out = new ArrayList<>(index.size());
                for (Archived a : index) {
                    Archived full = byId.get(a.id());
                    // Missing: past the byte budget (the rest of the page), or its TTL ran out between the reads.
                    if (full == null) break;
                    out.add(full);
                }
                return out;
            });
        });
    }

    @Override
    public CompletionStage<List<Archived>> byIds(String owner, List<Long> ids, long maxBytes) {
        return byIds(owner, ids, maxBytes, false);
    }

    @Override
    public CompletionStage<java.util.Set<Long>> existing(String owner, List<Long> ids) {
        if (ids.isEmpty()) return CompletableFuture.completedFuture(java.util.Set.of());
        List<Long> distinct = new ArrayList<>(new java.util.TreeSet<>(ids));
        return session.executeAsync(idsOnly.bind(owner, ALL, distinct).setPageSize(distinct.size())).thenApply(rs -> {
            java.util.Set<Long> out = new java.util.HashSet<>();
            for (Row row : rs.currentPage()) out.add(row.getLong(0));
            return out;
        });
    }

    /**
     * The messages with these ids, read READ_PAGE at a time in id order (descending: newest first) until past
     * maxBytes; returned oldest first.
     */
    private CompletionStage<List<Archived>> byIds(String owner, List<Long> ids, long maxBytes, boolean descending) {
        if (ids.isEmpty()) return CompletableFuture.completedFuture(List.of());
        List<Long> distinct = new ArrayList<>(new java.util.TreeSet<>(ids));
        if (descending) java.util.Collections.reverse(distinct);
        List<Archived> out = new ArrayList<>();
        return chunk(owner, distinct, 0, out, maxBytes, 0).thenApply(v -> {
            out.sort(java.util.Comparator.comparingLong(Archived::id));
            return out;
        });
    }

    private CompletionStage<Void> chunk(String owner, List<Long> ids, int from, List<Archived> out, long maxBytes,
            long bytes) {
        if (from >= ids.size() || bytes > maxBytes) return CompletableFuture.completedFuture(null);
        List<Long> part = ids.subList(from, Math.min(ids.size(), from + READ_PAGE));
        return session.executeAsync(byIds.bind(owner, ALL, new ArrayList<>(part)).setPageSize(part.size()))
                .thenCompose(rs -> {
                    long total = bytes;
                    List<Archived> got = rows(rs);
                    // Rows of an IN come in clustering order (ascending); take them in the order asked for.
                    if (ids.size() > 1 && ids.get(0) > ids.get(ids.size() - 1)) java.util.Collections.reverse(got);
                    for (Archived a : got) {
                        if (total > maxBytes) break;
                        out.add(a);
                        total += size(a);
                    }
                    return chunk(owner, ids, from + READ_PAGE, out, maxBytes, total);
                });
    }

    private CompletionStage<List<Archived>> collect(AsyncResultSet rs, List<Archived> out, int limit, long maxBytes,
            long bytes) {
        long total = bytes;
        for (Row row : rs.currentPage()) {
            if (out.size() == limit || total > maxBytes) break;
            Archived a = new Archived(row.getLong(0), row.getString(1), row.getString(2));
            out.add(a);
            total += size(a);
        }
        if (out.size() < limit && total <= maxBytes && rs.hasMorePages()) {
            long sofar = total;
            return rs.fetchNextPage().thenCompose(next -> collect(next, out, limit, maxBytes, sofar));
        }
        return CompletableFuture.completedFuture(out);
    }

    /** What a message weighs against a page's byte budget: its XML's length. */
    static long size(Archived a) {
        return a.stanzaXml() == null ? 0 : a.stanzaXml().length();
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
