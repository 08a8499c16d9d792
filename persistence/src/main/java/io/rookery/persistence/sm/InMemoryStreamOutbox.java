package io.rookery.persistence.sm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link StreamOutbox} on the heap, for tests with the in-memory journal; rows do not expire. */
public final class InMemoryStreamOutbox implements StreamOutbox {
    private record Kept(Header header, NavigableMap<Long, String> entries) {}

    private final Map<String, Kept> streams = new ConcurrentHashMap<>();

    @Override
    public CompletionStage<Void> write(String smId, Header header, List<Entry> entries, long clearAbove) {
        streams.compute(smId, (id, kept) -> {
            NavigableMap<Long, String> rows = kept == null ? new TreeMap<>() : new TreeMap<>(kept.entries());
            if (clearAbove >= 0) rows.tailMap(clearAbove, false).clear();
            for (Entry e : entries) rows.put(e.seq(), e.stanza());
            return new Kept(header, rows);
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Stream> read(String smId, long above) {
        Kept kept = streams.get(smId);
        if (kept == null) return CompletableFuture.completedFuture(null);
        List<Entry> out = new ArrayList<>();
        kept.entries().tailMap(above, false).forEach((seq, stanza) -> out.add(new Entry(seq, stanza)));
        return CompletableFuture.completedFuture(new Stream(kept.header(), out));
    }

    /** The window is not applied: the heap keeps no write times. */
    @Override
    public CompletionStage<List<Entry>> recent(String smId, long atOrBelow, int limit, int windowSeconds) {
        Kept kept = streams.get(smId);
        List<Entry> out = new ArrayList<>();
        if (kept != null) {
            for (Map.Entry<Long, String> e : kept.entries().headMap(atOrBelow, true).descendingMap().entrySet()) {
                if (out.size() == limit) break;
                out.add(new Entry(e.getKey(), e.getValue()));
            }
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletionStage<Void> delete(String smId) {
        streams.remove(smId);
        return CompletableFuture.completedFuture(null);
    }
}
