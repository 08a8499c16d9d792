package io.rookery.persistence.muc;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The {@link RoomDirectory} in Cassandra, table {@code muc_rooms} (one partition per service, rows by room JID). */
public final class CassandraRoomDirectory implements RoomDirectory {
    private final CqlSession session;
    private final PreparedStatement insert;
    private final PreparedStatement delete;
    private final PreparedStatement first;
    private final PreparedStatement after;

    public CassandraRoomDirectory(CqlSession session, String keyspace) {
        this.session = session;
        String t = keyspace + ".muc_rooms";
        this.insert = session.prepare("INSERT INTO " + t + " (service, room, name) VALUES (?, ?, ?)");
        this.delete = session.prepare("DELETE FROM " + t + " WHERE service = ? AND room = ?");
        this.first = session.prepare("SELECT room, name FROM " + t + " WHERE service = ? LIMIT ?");
        this.after = session.prepare("SELECT room, name FROM " + t + " WHERE service = ? AND room > ? LIMIT ?");
    }

    @Override
    public CompletionStage<Void> put(String service, String room, String name) {
        return session.executeAsync(insert.bind(service, room, name == null ? "" : name)).thenApply(rs -> null);
    }

    @Override
    public CompletionStage<Void> remove(String service, String room) {
        return session.executeAsync(delete.bind(service, room)).thenApply(rs -> null);
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
}
