package io.rookery.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Pacing and duplicate detection, on fixed times and numbers (no clock involved). */
class PacerAndSeenSetTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aPacerMakesOneOperationDueAtTheStartAndThenOnePerInterval() {
        Pacer p = new Pacer(1_000, 10); // 10 per second: one every 100 ms
        assertEquals(1, p.due(1_000));
        p.took(1);
        assertEquals(0, p.due(1_000 + SECOND / 10 - 1));
        assertEquals(1, p.due(1_000 + SECOND / 10));
        assertEquals(10, p.due(1_000 + SECOND), "late callers catch up");
        p.took(4);
        assertEquals(6, p.due(1_000 + SECOND));
        assertEquals(5, p.done());
    }

    @Test
    void aPacerBeforeItsStartHasOnlyTheFirstOperationDue() {
        assertEquals(1, new Pacer(5 * SECOND, 1000).due(0));
    }

    @Test
    void rateZeroMeansUnpaced() {
        assertEquals(Long.MAX_VALUE, new Pacer(0, 0).due(0));
        assertThrows(IllegalArgumentException.class, () -> new Pacer(0, -1));
    }

    @Test
    void seenSetReportsEachNumberNewOnlyOnce() {
        SeenSet s = new SeenSet();
        assertTrue(s.add(0));
        assertTrue(s.add(63));
        assertTrue(s.add(64));
        assertTrue(s.add(65_536 * 3 + 7)); // another chunk
        assertFalse(s.add(63));
        assertFalse(s.add(65_536 * 3 + 7));
        assertTrue(s.contains(64));
        assertFalse(s.contains(65));
        assertFalse(s.contains(65_536 * 5));
        assertThrows(IllegalArgumentException.class, () -> s.add(-1));
    }

    @Test
    void seenSetCountsEveryNumberOnceAcrossThreads() throws Exception {
        SeenSet s = new SeenSet();
        int n = 200_000;
        int[] fresh = new int[4];
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    if (s.add(i)) fresh[id]++;
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) t.join();
        assertEquals(n, fresh[0] + fresh[1] + fresh[2] + fresh[3]);
    }
}
