package io.rookery.node.user;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.rookery.protocol.jid.Jid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A listing index of accounts (the `accounts` table), so the admin CLI can list users without waking every entity.
 * The entity's journal stays the authority: the index is written after an account event is persisted.
 */
public final class AccountDirectory {
    /** Partitions per domain, so one domain's accounts do not form a single huge partition. */
    static final int BUCKETS = 16;

    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement delete;
    private final PreparedStatement list;
    private final PreparedStatement count;

    public AccountDirectory(CqlSession session, String keyspace) {
        this.session = session;
        this.insert = session.prepare("INSERT INTO " + keyspace
                + ".accounts (domain, bucket, username, created_at) VALUES (?, ?, ?, ?)");
        this.delete = session.prepare("DELETE FROM " + keyspace
                + ".accounts WHERE domain = ? AND bucket = ? AND username = ?");
        this.list = session.prepare("SELECT username FROM " + keyspace
                + ".accounts WHERE domain = ? AND bucket = ?");
        this.count = session.prepare("SELECT COUNT(*) FROM " + keyspace
                + ".accounts WHERE domain = ? AND bucket = ?");
    }

    static int bucket(String username) {
        return Math.floorMod(username.hashCode(), BUCKETS);
    }

    public CompletionStage<Void> added(Jid jid) {
        return session.executeAsync(insert.bind(jid.domain(), bucket(jid.local()), jid.local(), Instant.now()))
                .thenApply(rs -> null);
    }

    public CompletionStage<Void> removed(Jid jid) {
        return session.executeAsync(delete.bind(jid.domain(), bucket(jid.local()), jid.local()))
                .thenApply(rs -> null);
    }

    /** All user names of a domain, sorted. */
    public CompletionStage<List<String>> list(String domain) {
        List<CompletableFuture<List<String>>> parts = new ArrayList<>(BUCKETS);
        for (int b = 0; b < BUCKETS; b++) {
            List<String> names = new ArrayList<>();
            parts.add(session.executeAsync(list.bind(domain, b)).toCompletableFuture()
                    .thenCompose(rs -> collect(rs, names)));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<String> all = new ArrayList<>();
            for (CompletableFuture<List<String>> p : parts) all.addAll(p.join());
            all.sort(null);
            return all;
        });
    }

    /** How many accounts a domain has: a count per bucket, so no name leaves Cassandra. */
    public CompletionStage<Long> count(String domain) {
        List<CompletableFuture<Long>> parts = new ArrayList<>(BUCKETS);
        for (int b = 0; b < BUCKETS; b++) {
            parts.add(session.executeAsync(count.bind(domain, b)).toCompletableFuture()
                    .thenApply(rs -> rs.one().getLong(0)));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            long all = 0;
            for (CompletableFuture<Long> p : parts) all += p.join();
            return all;
        });
    }

    private static CompletionStage<List<String>> collect(AsyncResultSet rs, List<String> into) {
        for (Row row : rs.currentPage()) into.add(row.getString(0));
        if (rs.hasMorePages()) return rs.fetchNextPage().thenCompose(next -> collect(next, into));
        return CompletableFuture.completedFuture(into);
    }
}
