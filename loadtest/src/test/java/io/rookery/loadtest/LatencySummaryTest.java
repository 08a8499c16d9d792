package io.rookery.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {

    @Test
    void summarisesOneToAThousandMilliseconds() {
        Histogram h = new Histogram(Metrics.HIGHEST_MICROS, Metrics.DIGITS);
        for (int ms = 1; ms <= 1000; ms++) h.recordValue(ms * 1000L);

        LatencySummary s = LatencySummary.of(h);

        assertEquals(1000, s.count());
        assertEquals(1.0, s.minMs(), 0.001);
        assertEquals(500.5, s.meanMs(), 0.5);
        // HdrHistogram with 3 significant digits: within 0.1% above the exact value
        assertEquals(500, s.p50Ms(), 0.5);
        assertEquals(900, s.p90Ms(), 0.9);
        assertEquals(990, s.p99Ms(), 1.0);
        assertEquals(999, s.p999Ms(), 1.0);
        assertEquals(1000, s.maxMs(), 1.0);
        List<LatencySummary.Point> curve = s.curve();
        assertEquals(0.0, curve.get(0).percentile(), 0.2);
        assertEquals(100.0, curve.get(curve.size() - 1).percentile());
        assertEquals(s.maxMs(), curve.get(curve.size() - 1).ms());
        for (int i = 1; i < curve.size(); i++) {
            assertTrue(curve.get(i).percentile() >= curve.get(i - 1).percentile(), "percentiles ascend");
            assertTrue(curve.get(i).ms() >= curve.get(i - 1).ms(), "values ascend");
        }
    }

    @Test
    void anEmptyHistogramHasNoValues() {
        LatencySummary s = LatencySummary.of(new Histogram(Metrics.HIGHEST_MICROS, Metrics.DIGITS));
        assertSame(LatencySummary.EMPTY, s);
        assertTrue(Double.isNaN(s.p99Ms()));
    }

    @Test
    void metricsClampLatenciesAboveAnHourAndCountDuplicatesOnce() {
        Metrics m = new Metrics();
        m.messageReceived(1, 0, Metrics.HIGHEST_MICROS * 1000 * 5); // five hours "late"
        m.messageReceived(1, 0, 1_000_000);
        m.messageReceived(2, 1_000_000, 0); // a clock that went backwards counts as zero
        assertEquals(2, m.received.sum());
        assertEquals(1, m.duplicates.sum());
        Histogram h = m.messageLatency.getIntervalHistogram();
        assertEquals(2, h.getTotalCount());
        assertEquals(0, h.getMinValue());
        assertTrue(h.getMaxValue() >= Metrics.HIGHEST_MICROS);
    }
}
