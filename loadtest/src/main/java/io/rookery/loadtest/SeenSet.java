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

    /** How many are marked. */
    long count() {
        return countMissingFrom();
    }

    /** How many marked here are marked in none of others. */
    long countMissingFrom(SeenSet... others) {
        long n = 0;
        for (var e : chunks.entrySet()) {
            AtomicLongArray chunk = e.getValue();
            AtomicLongArray[] theirs = new AtomicLongArray[others.length];
            for (int i = 0; i < others.length; i++) theirs[i] = others[i].chunks.get(e.getKey());
            for (int w = 0; w < WORDS; w++) {
                long bits = chunk.get(w);
                for (AtomicLongArray t : theirs) {
                    if (t != null) bits &= ~t.get(w);
                }
                n += Long.bitCount(bits);
            }
        }
        return n;
    }

    /** Up to limit of those marked here and in none of others, smallest first. */
    java.util.List<Long> missingFrom(int limit, SeenSet... others) {
        java.util.List<Long> out = new java.util.ArrayList<>();
        for (long key : new java.util.TreeSet<>(chunks.keySet())) {
            AtomicLongArray chunk = chunks.get(key);
            for (int w = 0; w < WORDS && out.size() < limit; w++) {
                long bits = chunk.get(w);
                for (SeenSet o : others) {
                    AtomicLongArray t = o.chunks.get(key);
                    if (t != null) bits &= ~t.get(w);
                }
                while (bits != 0 && out.size() < limit) {
                    int b = Long.numberOfTrailingZeros(bits);
                    out.add((key << CHUNK_BITS) + ((long) w << 6) + b);
                    bits &= bits - 1;
                }
            }
        }
        return out;
    }
}
