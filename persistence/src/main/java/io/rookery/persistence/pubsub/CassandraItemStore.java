package io.rookery.persistence.pubsub;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@link ItemStore} in Cassandra: {@code pubsub_items} by id and {@code pubsub_items_by_time} newest first,
 * written together in a logged batch so that neither loses a row the other has.
 *
 * <p>Trimming to max_items reads the keys of the node's newest items, max_items and a slack more, and deletes what
 * lies past max_items. A node of up to {@link #ALWAYS_TRIM_UP_TO} items is trimmed on every publish; a larger one on
 * a publish in max_items / {@value #ALWAYS_TRIM_UP_TO} (at random), with a slack of a sixteenth of max_items: it
 * holds on average a few dozen items over its limit between trims, each publish costs about
 * {@value #ALWAYS_TRIM_UP_TO} keys read however large the node, and reads never return more than they were asked
 * for, so nobody sees the excess.
 */
public final class CassandraItemStore implements ItemStore {
    static final int ALWAYS_TRIM_UP_TO = 64;

    private final CqlSession session;
    private final PreparedStatement publishedOf;
    private final PreparedStatement insertById;
    private final PreparedStatement insertByTime;
    private final PreparedStatement deleteById;
    private final PreparedStatement deleteByTime;
    private final PreparedStatement newestKeys;
    private final PreparedStatement newest;
    private final PreparedStatement withIds;
    private final PreparedStatement purgeById;
    private final PreparedStatement purgeByTime;

    public CassandraItemStore(CqlSession session, String keyspace) {
        this.session = session;
        String byId = keyspace + ".pubsub_items";
        String byTime = keyspace + ".pubsub_items_by_time";
        String node = " WHERE service = ? AND node = ?";
        publishedOf = session.prepare("SELECT published FROM " + byId + node + " AND id = ?");
        insertById = session.prepare("INSERT INTO " + byId
                + " (service, node, id, published, publisher, payload) VALUES (?, ?, ?, ?, ?, ?)");
        insertByTime = session.prepare("INSERT INTO " + byTime
                + " (service, node, published, id, publisher, payload) VALUES (?, ?, ?, ?, ?, ?)");
        deleteById = session.prepare("DELETE FROM " + byId + node + " AND id = ?");
        deleteByTime = session.prepare("DELETE FROM " + byTime + node + " AND published = ?");
        newestKeys = session.prepare("SELECT published, id FROM " + byTime + node + " LIMIT ?");
        newest = session.prepare("SELECT id, publisher, published, payload FROM " + byTime + node + " LIMIT ?");
        withIds = session.prepare("SELECT id, publisher, published, payload FROM " + byId + node + " AND id IN ?");
        purgeById = session.prepare("DELETE FROM " + byId + node);
        purgeByTime = session.prepare("DELETE FROM " + byTime + node);
    }

    @Override
    public CompletionStage<Void> publish(String service, String node, Item item, int maxItems) {
        UUID published = Uuids.startOf(item.publishedMillis());
        // The time-based id must be unique in the node: startOf gives the same one for the same millisecond.
        UUID unique = new UUID(published.getMostSignificantBits(),
                (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
        return session.executeAsync(publishedOf.bind(service, node, item.id())).thenCompose(rs -> {
            Row old = rs.one();
            var batch = BatchStatement.builder(BatchType.LOGGED)
                    .addStatement(insertById.bind(service, node, item.id(), unique, item.publisher(),
                            item.payloadXml()))
                    .addStatement(insertByTime.bind(service, node, unique, item.id(), item.publisher(),
                            item.payloadXml()));
            if (old != null && old.getUuid(0) != null) batch.addStatement(deleteByTime.bind(service, node, old.getUuid(0)));
            return session.executeAsync(batch.build());
        }).thenCompose(rs -> trim(service, node, maxItems));
    }

    private CompletionStage<Void> trim(String service, String node, int maxItems) {
        if (maxItems > ALWAYS_TRIM_UP_TO
                && ThreadLocalRandom.current().nextInt(maxItems / ALWAYS_TRIM_UP_TO + 1) != 0) {
            return CompletableFuture.completedFuture(null);
        }
        int read = (int) Math.min((long) maxItems + Math.max(16, maxItems / 16), Integer.MAX_VALUE);
        return session.executeAsync(newestKeys.bind(service, node, read).setPageSize(Math.min(read, 5000)))
                .thenCompose(rs -> {
                    List<CompletionStage<?>> deletes = new ArrayList<>();
                    int seen = 0;
                    // Only the first page: on a node far over its limit the next trims take the rest.
                    for (Row row : rs.currentPage()) {
                        if (++seen <= maxItems) continue;
                        deletes.add(session.executeAsync(BatchStatement.builder(BatchType.LOGGED)
                                .addStatement(deleteByTime.bind(service, node, row.getUuid(0)))
                                .addStatement(deleteById.bind(service, node, row.getString(1))).build()));
                    }
                    return CompletableFuture.allOf(deletes.stream().map(CompletionStage::toCompletableFuture)
                            .toArray(CompletableFuture[]::new));
                });
    }

    @Override
    public CompletionStage<Boolean> retract(String service, String node, String id) {
        return session.executeAsync(publishedOf.bind(service, node, id)).thenCompose(rs -> {
            Row old = rs.one();
            if (old == null) return CompletableFuture.completedFuture(false);
            var batch = BatchStatement.builder(BatchType.LOGGED).addStatement(deleteById.bind(service, node, id));
            if (old.getUuid(0) != null) batch.addStatement(deleteByTime.bind(service, node, old.getUuid(0)));
            return session.executeAsync(batch.build()).thenApply(done -> true);
        });
    }

    @Override
    public CompletionStage<List<Item>> latest(String service, String node, int limit) {
        if (limit <= 0) return CompletableFuture.completedFuture(List.of());
        return session.executeAsync(newest.bind(service, node, limit).setPageSize(Math.min(limit, 5000)))
                .thenApply(rs -> {
                    List<Item> out = new ArrayList<>(Math.min(limit, 64));
                    for (Row row : rs.currentPage()) out.add(item(row));
                    return out;
                });
    }

    @Override
    public CompletionStage<List<Item>> byIds(String service, String node, List<String> ids) {
        if (ids.isEmpty()) return CompletableFuture.completedFuture(List.of());
        return session.executeAsync(withIds.bind(service, node, List.copyOf(ids))).thenApply(rs -> {
            Map<String, Item> found = new HashMap<>();
            for (Row row : rs.currentPage()) found.put(row.getString(0), item(row));
            List<Item> out = new ArrayList<>(found.size());
            for (String id : ids) {
                Item i = found.remove(id);
                if (i != null) out.add(i);
            }
            return out;
        });
    }

    @Override
    public CompletionStage<Void> purge(String service, String node) {
        return session.executeAsync(BatchStatement.builder(BatchType.LOGGED)
                .addStatement(purgeById.bind(service, node))
                .addStatement(purgeByTime.bind(service, node)).build()).thenApply(rs -> null);
    }

    private static Item item(Row row) {
        UUID published = row.getUuid(2);
        return new Item(row.getString(0), row.getString(1), published == null ? 0 : Uuids.unixTimestamp(published),
                row.getString(3));
    }
}
