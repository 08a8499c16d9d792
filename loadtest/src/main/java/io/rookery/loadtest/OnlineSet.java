package io.rookery.loadtest;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which users of a round are available (position on the {@link ContactRing}), one bit each, shared by the I/O
 * threads: a session sets its bit once the server has reflected its initial presence (RFC 6121 §4.2.2), so the
 * server knows it is available, and clears it when it ends. 20,000 users take 2.5 KiB.
 */
final class OnlineSet {
    private final AtomicLongArray words;

    OnlineSet(int users) {
        words = new AtomicLongArray((users + 63) / 64);
    }

    void set(int p) {
        long bit = 1L << (p & 63);
        while (true) {
            long old = words.get(p >>> 6);
            if ((old & bit) != 0 || words.compareAndSet(p >>> 6, old, old | bit)) return;
        }
    }

    void clear(int p) {
        long bit = 1L << (p & 63);
        while (true) {
            long old = words.get(p >>> 6);
            if ((old & bit) == 0 || words.compareAndSet(p >>> 6, old, old & ~bit)) return;
        }
    }

    boolean contains(int p) {
        return (words.get(p >>> 6) & (1L << (p & 63))) != 0;
    }

    /** How many of p's contacts are available now. */
    int contactsOnline(ContactRing ring, int p) {
        int n = 0;
        for (int s = 0; s < ring.size(); s++) {
            if (contains(ring.contact(p, s))) n++;
        }
        return n;
    }
}
