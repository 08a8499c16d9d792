package io.rookery.loadtest;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The message sequence numbers received so far, one bit each, safe to mark from several I/O threads. Bits live in
 * chunks of 65,536 created on first use, so memory follows the number of messages actually sent (8 KiB per 65,536).
 */
final class SeenSet {
    private static final int CHUNK_BITS = 16;
    private static final int WORDS = (1 << CHUNK_BITS) / 64;

    private final ConcurrentHashMap<Long, AtomicLongArray> chunks = new ConcurrentHashMap<>();

    /** Marks seq; true when it was not marked before. */
    boolean add(long seq) {
        if (seq < 0) throw new IllegalArgumentException("negative sequence number: " + seq);
        AtomicLongArray chunk = chunks.computeIfAbsent(seq >>> CHUNK_BITS, k -> new AtomicLongArray(WORDS));
        int word = (int) ((seq >>> 6) & (WORDS - 1));
        long bit = 1L << (seq & 63);
        while (true) {
            long old = chunk.get(word);
            if ((old & bit) != 0) return false;
            if (chunk.compareAndSet(word, old, old | bit)) return true;
        }
    }

    boolean contains(long seq) {
        AtomicLongArray chunk = seq < 0 ? null : chunks.get(seq >>> CHUNK_BITS);
        return chunk != null && (chunk.get((int) ((seq >>> 6) & (WORDS - 1))) & (1L << (seq & 63))) != 0;
    }
}
