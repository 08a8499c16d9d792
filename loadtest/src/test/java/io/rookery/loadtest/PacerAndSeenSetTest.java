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
    void eachOperationIsDueAtTheTimeThePacerFirstCountsIt() {
        Pacer p = new Pacer(1_000, 3); // an interval that is not a whole number of nanoseconds
        assertEquals(1_000, p.dueAt(0));
        for (long k = 1; k < 1_000; k++) {
            long at = p.dueAt(k);
            assertEquals(k, p.due(at - 1), "before operation " + k + " is due");
            assertEquals(k + 1, p.due(at), "when operation " + k + " is due");
        }
        assertEquals(1_000, new Pacer(1_000, 0).dueAt(7), "unpaced: everything is due at the start");
    }

    @Test
    void latencyFromWhenDueKeepsTheDelayOfAStalledGenerator() {
        // 1,000 messages a second, and the generator stalls for 100 ms: the 101 messages due by then leave
        // together, each arriving 1 ms after its write. Timed from the write, all took 1 ms; timed from when they
        // were due, the first waited 100 ms more and the median 50 ms more (coordinated omission, left in).
        Pacer p = new Pacer(0, 1000);
        Metrics m = new Metrics();
        long now = SECOND / 10;
        long n = p.due(now);
        assertEquals(101, n);
        for (long i = 0; i < n; i++) {
            long late = now - p.dueAt(p.done() + i);
            m.messageReceived(i, now, late, now + TimeUnit.MILLISECONDS.toNanos(1));
        }
        p.took(n);
        org.HdrHistogram.Histogram fromWrite = m.messageLatency.getIntervalHistogram();
        org.HdrHistogram.Histogram fromDue = m.messageLatencyFromDue.getIntervalHistogram();
        assertEquals(1_000, fromWrite.getValueAtPercentile(99), 1);
        assertEquals(51_000, fromDue.getValueAtPercentile(50), 100);
        assertEquals(101_000, fromDue.getMaxValue(), 100);
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
