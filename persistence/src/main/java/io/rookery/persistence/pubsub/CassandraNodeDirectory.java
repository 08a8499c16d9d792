package io.rookery.persistence.pubsub;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link NodeDirectory} in Cassandra, table {@code pubsub_nodes} (V010: one partition per service, rows by node
 * name).
 */
public final class CassandraNodeDirectory implements NodeDirectory {
    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement delete;
    private final PreparedStatement first;
    private final PreparedStatement after;
    private final PreparedStatement names;

    public CassandraNodeDirectory(CqlSession session, String keyspace) {
        this.session = session;
        String t = keyspace + ".pubsub_nodes";
        this.insert = session.prepare("INSERT INTO " + t + " (service, node, title) VALUES (?, ?, ?)");
        this.delete = session.prepare("DELETE FROM " + t + " WHERE service = ? AND node = ?");
        this.first = session.prepare("SELECT node, title FROM " + t + " WHERE service = ? LIMIT ?");
        this.after = session.prepare("SELECT node, title FROM " + t + " WHERE service = ? AND node > ? LIMIT ?");
        this.names = session.prepare("SELECT node FROM " + t + " WHERE service = ? LIMIT ?");
    }

    @Override
    public CompletionStage<Void> put(String service, String node, String title) {
        return session.executeAsync(insert.bind(service, node, title == null ? "" : title)).thenApply(rs -> null);
    }

    @Override
    public CompletionStage<Void> remove(String service, String node) {
        return session.executeAsync(delete.bind(service, node)).thenApply(rs -> null);
    }

    @Override
    public CompletionStage<List<Listed>> list(String service, String from, int limit) {
        var statement = from == null ? first.bind(service, limit) : after.bind(service, from, limit);
        // The limit is a page of disco items: one page of rows holds it.
        return session.executeAsync(statement.setPageSize(Math.max(limit, 1))).thenApply(rs -> {
            List<Listed> out = new ArrayList<>(limit);
            for (Row row : rs.currentPage()) out.add(new Listed(row.getString(0), row.getString(1)));
            return out;
        });
    }

    @Override
    public CompletionStage<Integer> count(String service, int upTo) {
        // Node names only, page by page: a creation reads at most upTo short rows.
        return session.executeAsync(names.bind(service, upTo).setPageSize(5000))
                .thenCompose(rs -> counted(rs, 0));
    }

    private CompletionStage<Integer> counted(AsyncResultSet rs, int before) {
        int n = before + rs.remaining();
        if (!rs.hasMorePages()) return CompletableFuture.completedFuture(n);
        return rs.fetchNextPage().thenCompose(next -> counted(next, n));
    }
}
