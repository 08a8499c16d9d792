package io.rookery.persistence.muc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** The {@link RoomDirectory} on the heap, for tests with the in-memory journal. */
public final class InMemoryRoomDirectory implements RoomDirectory {
    private final Map<String, NavigableMap<String, String>> services = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Void> put(String service, String room, String name) {
        services.computeIfAbsent(service, s -> new ConcurrentSkipListMap<>()).put(room, name == null ? "" : name);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> remove(String service, String room) {
        NavigableMap<String, String> rooms = services.get(service);
        if (rooms != null) rooms.remove(room);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<Listed>> list(String service, String after, int limit) {
        List<Listed> out = new ArrayList<>();
        NavigableMap<String, String> rooms = services.getOrDefault(service, new ConcurrentSkipListMap<>());
        for (Map.Entry<String, String> e : (after == null ? rooms : rooms.tailMap(after, false)).entrySet()) {
            if (out.size() >= limit) break;
            out.add(new Listed(e.getKey(), e.getValue()));
        }
        return CompletableFuture.completedFuture(out);
    }
}
