package io.rookery.persistence.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The heap store keeps the contract the Cassandra one keeps (the PEP integration tests run the latter). */
class InMemoryItemStoreTest {
    private final ItemStore store = new InMemoryItemStore();

    private void publish(String id, int max) {
        store.publish("juliet@capulet.lit", "notes", new ItemStore.Item(id, null, 0, "<x>" + id + "</x>"), max)
                .toCompletableFuture().join();
    }

    private List<String> latest(int limit) {
        return store.latest("juliet@capulet.lit", "notes", limit).toCompletableFuture().join().stream()
                .map(ItemStore.Item::id).toList();
    }

    @Test
    void theNewestComeFirstAndARepublishedIdBecomesTheNewest() {
        publish("a", 10);
        publish("b", 10);
        publish("c", 10);
        publish("a", 10);
        assertEquals(List.of("a", "c", "b"), latest(10));
        assertEquals(List.of("a", "c"), latest(2));
    }

    @Test
    void aPublishBeyondMaxItemsDropsTheOldest() {
        for (String id : List.of("a", "b", "c", "d")) publish(id, 2);
        assertEquals(List.of("d", "c"), latest(10));
    }

    @Test
    void itemsAreFoundByIdInTheOrderAskedAndRetractedOnce() {
        publish("a", 10);
        publish("b", 10);
        assertEquals(List.of("b", "a"), store.byIds("juliet@capulet.lit", "notes", List.of("b", "zz", "a"))
                .toCompletableFuture().join().stream().map(ItemStore.Item::id).toList());
        assertTrue(store.retract("juliet@capulet.lit", "notes", "a").toCompletableFuture().join());
        assertFalse(store.retract("juliet@capulet.lit", "notes", "a").toCompletableFuture().join());
        assertEquals(List.of("b"), latest(10));
    }

    @Test
    void aPurgeEmptiesOnlyThatNode() {
        publish("a", 10);
        store.publish("romeo@montague.lit", "notes", new ItemStore.Item("r", null, 0, null), 10)
                .toCompletableFuture().join();
        store.purge("juliet@capulet.lit", "notes").toCompletableFuture().join();
        assertEquals(List.of(), latest(10));
        assertEquals(1, store.latest("romeo@montague.lit", "notes", 10).toCompletableFuture().join().size());
    }
}
