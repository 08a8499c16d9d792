package io.rookery.persistence.mam;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** The {@link ArchiveStore} on the heap, for tests with the in-memory journal; the TTL is ignored. */
public final class InMemoryArchiveStore implements ArchiveStore {
    private final Map<String, NavigableMap<Long, Archived>> views = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Void> put(String owner, long id, String peer, String stanzaXml, int ttlSeconds) {
        Archived a = new Archived(id, peer, stanzaXml);
        for (String view : CassandraArchiveStore.views(peer)) {
            views.computeIfAbsent(owner + '\n' + view, k -> new ConcurrentSkipListMap<>()).put(id, a);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<Archived>> range(String owner, String view, long from, long to, boolean descending,
            int limit, long maxBytes) {
        NavigableMap<Long, Archived> v = views.get(owner + '\n' + view);
        List<Archived> out = new ArrayList<>();
        long bytes = 0;
        if (v != null && from <= to) {
            NavigableMap<Long, Archived> r = v.subMap(from, true, to, true);
            for (Archived a : (descending ? r.descendingMap() : r).values()) {
                if (out.size() == limit || bytes > maxBytes) break;
                out.add(a);
                bytes += CassandraArchiveStore.size(a);
            }
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<List<Archived>> byIds(String owner, List<Long> ids, long maxBytes) {
        NavigableMap<Long, Archived> v = views.get(owner + '\n' + ALL);
        List<Archived> out = new ArrayList<>();
        long bytes = 0;
        if (v != null) {
            for (Long id : new java.util.TreeSet<>(ids)) {
                Archived a = v.get(id);
                if (a == null) continue;
                if (bytes > maxBytes) break;
                out.add(a);
                bytes += CassandraArchiveStore.size(a);
            }
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<java.util.Set<Long>> existing(String owner, List<Long> ids) {
        NavigableMap<Long, Archived> v = views.get(owner + '\n' + ALL);
        java.util.Set<Long> out = new java.util.HashSet<>();
        if (v != null) for (Long id : ids) if (v.containsKey(id)) out.add(id);
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<Void> removeAll(String owner) {
        views.keySet().removeIf(k -> k.startsWith(owner + '\n'));
        return CompletableFuture.completedFuture(null);
    }
}
