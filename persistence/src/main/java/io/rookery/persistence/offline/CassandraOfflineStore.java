package io.rookery.persistence.offline;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The {@link OfflineStore} in Cassandra, table {@code offline_messages} (one partition per account, rows by spool
 * number). Delivery removes a delivered range with one range deletion, so a busy account leaves one tombstone per
 * batch, not one per message.
 */
public final class CassandraOfflineStore implements OfflineStore {
    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement select;
    private final PreparedStatement deleteRange;
    private final PreparedStatement deleteAll;

    public CassandraOfflineStore(CqlSession session, String keyspace) {
        this.session = session;
        String t = keyspace + ".offline_messages";
        this.insert = session.prepare("INSERT INTO " + t + " (jid, seq, received_at, stanza) VALUES (?, ?, ?, ?)");
        this.select = session.prepare("SELECT seq, received_at, stanza FROM " + t
                + " WHERE jid = ? AND seq >= ? AND seq <= ? LIMIT ?");
        this.deleteRange = session.prepare("DELETE FROM " + t + " WHERE jid = ? AND seq >= ? AND seq <= ?");
        this.deleteAll = session.prepare("DELETE FROM " + t + " WHERE jid = ?");
    }

    @Override
    public CompletionStage<Void> put(String user, long seq, long receivedAtMillis, String stanzaXml) {
        return session.executeAsync(insert.bind(user, seq, Instant.ofEpochMilli(receivedAtMillis), stanzaXml))
                .thenApply(rs -> null);
    }

    @Override
    public CompletionStage<List<Spooled>> read(String user, long from, long to, int limit) {
        // The limit is small (a delivery batch): one page holds it.
        return session.executeAsync(select.bind(user, from, to, limit).setPageSize(Math.max(limit, 1)))
                .thenApply(rs -> {
                    List<Spooled> out = new ArrayList<>(limit);
                    for (Row row : rs.currentPage()) {
                        Instant at = row.getInstant(1);
                        out.add(new Spooled(row.getLong(0), at == null ? 0 : at.toEpochMilli(), row.getString(2)));
                    }
                    return out;
                });
    }

    @Override
    public CompletionStage<Void> remove(String user, long from, long to) {
        return session.executeAsync(deleteRange.bind(user, from, to)).thenApply(rs -> null);
    }

    @Override
    public CompletionStage<Void> removeAll(String user) {
        return session.executeAsync(deleteAll.bind(user)).thenApply(rs -> null);
    }
}
