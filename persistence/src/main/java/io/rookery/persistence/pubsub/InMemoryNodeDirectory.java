package io.rookery.persistence.pubsub;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** The {@link NodeDirectory} on the heap, for tests with the in-memory journal. */
public final class InMemoryNodeDirectory implements NodeDirectory {
    private final Map<String, NavigableMap<String, String>> services = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Void> put(String service, String node, String title) {
        services.computeIfAbsent(service, s -> new ConcurrentSkipListMap<>()).put(node, title == null ? "" : title);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> remove(String service, String node) {
        NavigableMap<String, String> nodes = services.get(service);
        if (nodes != null) nodes.remove(node);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<Listed>> list(String service, String after, int limit) {
        List<Listed> out = new ArrayList<>();
        NavigableMap<String, String> nodes = services.getOrDefault(service, new ConcurrentSkipListMap<>());
        for (Map.Entry<String, String> e : (after == null ? nodes : nodes.tailMap(after, false)).entrySet()) {
            if (out.size() >= limit) break;
            out.add(new Listed(e.getKey(), e.getValue()));
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<Integer> count(String service, int upTo) {
        NavigableMap<String, String> nodes = services.get(service);
        return CompletableFuture.completedFuture(nodes == null ? 0 : Math.min(nodes.size(), upTo));
    }
}
