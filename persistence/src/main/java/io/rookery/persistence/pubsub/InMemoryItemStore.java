package io.rookery.persistence.pubsub;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** An {@link ItemStore} in the heap, for tests that run without Cassandra. */
public final class InMemoryItemStore implements ItemStore {
    /** Per node, its items oldest first (insertion order of a LinkedHashMap, re-inserted on replace). */
    private final Map<String, LinkedHashMap<String, Item>> nodes = new ConcurrentHashMap<>();

    private static String key(String service, String node) {
        return service + '\n' + node;
    }

    @Override
    public CompletionStage<Void> publish(String service, String node, Item item, int maxItems) {
        LinkedHashMap<String, Item> items = nodes.computeIfAbsent(key(service, node), k -> new LinkedHashMap<>());
        synchronized (items) {
            items.remove(item.id());
            items.put(item.id(), item);
            var it = items.keySet().iterator();
            for (int excess = items.size() - maxItems; excess > 0; excess--) {
                it.next();
                it.remove();
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Boolean> retract(String service, String node, String id) {
        LinkedHashMap<String, Item> items = nodes.get(key(service, node));
        if (items == null) return CompletableFuture.completedFuture(false);
        synchronized (items) {
            return CompletableFuture.completedFuture(items.remove(id) != null);
        }
    }

    @Override
    public CompletionStage<List<Item>> latest(String service, String node, int limit) {
        LinkedHashMap<String, Item> items = nodes.get(key(service, node));
        List<Item> out = new ArrayList<>();
        if (items != null) {
            synchronized (items) {
                List<Item> all = new ArrayList<>(items.values());
                for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) out.add(all.get(i));
            }
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<List<Item>> byIds(String service, String node, List<String> ids) {
        LinkedHashMap<String, Item> items = nodes.get(key(service, node));
        List<Item> out = new ArrayList<>();
        if (items != null) {
            synchronized (items) {
                for (String id : ids) {
                    Item i = items.get(id);
                    if (i != null) out.add(i);
                }
            }
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<Void> purge(String service, String node) {
        nodes.remove(key(service, node));
        return CompletableFuture.completedFuture(null);
    }
}
