package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.rookery.persistence.pubsub.CassandraItemStore;
import io.rookery.persistence.pubsub.ItemStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * XEP-0060 items in the real Cassandra tables ({@code pubsub_items}, {@code pubsub_items_by_time}): the newest n of
 * a node of 10,000 items, items by id, a republished id becoming the newest, trimming to max_items, retraction and
 * purge.
 */
class ItemStoreIT {
    private static final String KEYSPACE = "rookery";
    private static CqlSession cql;
    private static ItemStore store;

    @BeforeAll
    static void start() throws Exception {
        ItEnvironment.applySchema(KEYSPACE);
        cql = TestNodes.cassandra().sessionBuilder().build();
        store = new CassandraItemStore(cql, KEYSPACE);
    }

    @AfterAll
    static void stop() {
        if (cql != null) cql.close();
    }

    private static String service() {
        return "user-" + UUID.randomUUID() + "@localhost";
    }

    private static ItemStore.Item item(String id, long at) {
        return new ItemStore.Item(id, "owner@localhost/desk", at, "<x xmlns='urn:example'>" + id + "</x>");
    }

    private static List<String> ids(List<ItemStore.Item> items) {
        return items.stream().map(ItemStore.Item::id).toList();
    }

    @Test
    void aNodeOfTenThousandItemsAnswersItsNewestAndItemsById() {
        String service = service();
        long t0 = System.currentTimeMillis() - 100_000;
        for (int batch = 0; batch < 10_000; batch += 200) {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = batch; i < batch + 200; i++) {
                writes.add(store.publish(service, "big", item("i" + i, t0 + i), 20_000).toCompletableFuture());
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
        }
        assertEquals(List.of("i9999", "i9998", "i9997", "i9996", "i9995"),
                ids(store.latest(service, "big", 5).toCompletableFuture().join()));
        List<ItemStore.Item> some = store.byIds(service, "big", List.of("i42", "nope", "i7")).toCompletableFuture()
                .join();
        assertEquals(List.of("i42", "i7"), ids(some));
        assertEquals("<x xmlns='urn:example'>i42</x>", some.get(0).payloadXml());
        assertEquals("owner@localhost/desk", some.get(0).publisher());
        assertEquals(t0 + 42, some.get(0).publishedMillis());
    }

    @Test
    void aRepublishedIdBecomesTheNewestAndTheOldestGoPastMaxItems() {
        String service = service();
        long t0 = System.currentTimeMillis();
        for (int i = 0; i < 5; i++) store.publish(service, "n", item("i" + i, t0 + i), 3).toCompletableFuture().join();
        assertEquals(List.of("i4", "i3", "i2"), ids(store.latest(service, "n", 10).toCompletableFuture().join()));
        store.publish(service, "n", item("i2", t0 + 10), 3).toCompletableFuture().join();
        assertEquals(List.of("i2", "i4", "i3"), ids(store.latest(service, "n", 10).toCompletableFuture().join()));
        assertEquals(List.of(), ids(store.byIds(service, "n", List.of("i0", "i1")).toCompletableFuture().join()),
                "trimmed items are gone by id too");
    }

    @Test
    void retractionAndPurgeRemoveItemsFromBothTables() {
        String service = service();
        long t0 = System.currentTimeMillis();
        for (int i = 0; i < 3; i++) store.publish(service, "n", item("i" + i, t0 + i), 10).toCompletableFuture().join();
        assertTrue(store.retract(service, "n", "i1").toCompletableFuture().join());
        assertFalse(store.retract(service, "n", "i1").toCompletableFuture().join());
        assertEquals(List.of("i2", "i0"), ids(store.latest(service, "n", 10).toCompletableFuture().join()));
        store.purge(service, "n").toCompletableFuture().join();
        assertEquals(List.of(), ids(store.latest(service, "n", 10).toCompletableFuture().join()));
        assertEquals(List.of(), ids(store.byIds(service, "n", List.of("i0", "i2")).toCompletableFuture().join()));
    }
}
