package io.rookery.persistence.offline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** An {@link OfflineStore} in the heap, for tests that run without Cassandra (as they use the in-memory journal). */
public class InMemoryOfflineStore implements OfflineStore {
    private final Map<String, NavigableMap<Long, Spooled>> rows = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Void> put(String user, long seq, long receivedAtMillis, String stanzaXml) {
        rows.computeIfAbsent(user, u -> new ConcurrentSkipListMap<>())
                .put(seq, new Spooled(seq, receivedAtMillis, stanzaXml));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<Spooled>> read(String user, long from, long to, int limit) {
        NavigableMap<Long, Spooled> mine = rows.get(user);
        List<Spooled> out = new ArrayList<>();
        if (mine != null) {
            for (Spooled s : mine.subMap(from, true, to, true).values()) {
                if (out.size() == limit) break;
                out.add(s);
            }
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<Void> remove(String user, long from, long to) {
        NavigableMap<Long, Spooled> mine = rows.get(user);
        if (mine != null) mine.subMap(from, true, to, true).clear();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> removeAll(String user) {
        rows.remove(user);
        return CompletableFuture.completedFuture(null);
    }

    /** Messages held for a user, for tests. */
    public int size(String user) {
        NavigableMap<Long, Spooled> mine = rows.get(user);
        return mine == null ? 0 : mine.size();
    }
}
