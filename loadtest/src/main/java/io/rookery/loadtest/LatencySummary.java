package io.rookery.loadtest;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * What a latency histogram (recorded in microseconds) is reported as: count, mean, the usual percentiles and the
 * percentile curve for the chart, all in milliseconds. Values carry HdrHistogram's precision (3 significant
 * digits): a percentile is the highest value equivalent to the one at that rank.
 */
record LatencySummary(long count, double minMs, double meanMs, double p50Ms, double p90Ms, double p99Ms,
        double p999Ms, double maxMs, List<Point> curve) {

    /** One point of the percentile curve: this percentile of values is at most ms. */
    record Point(double percentile, double ms) {}

    static final LatencySummary EMPTY = new LatencySummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN, List.of());

    /** Ticks per halving of the distance to 100%, as HdrHistogram's percentile output uses. */
    private static final int TICKS_PER_HALF = 5;

    static LatencySummary of(AbstractHistogram micros) {
        if (micros.getTotalCount() == 0) return EMPTY;
        List<Point> curve = new ArrayList<>();
        for (HistogramIterationValue v : micros.percentiles(TICKS_PER_HALF)) {
            curve.add(new Point(v.getPercentileLevelIteratedTo(), ms(v.getValueIteratedTo())));
            if (v.getPercentileLevelIteratedTo() >= 100.0) break;
        }
        return new LatencySummary(micros.getTotalCount(), ms(micros.getMinValue()), micros.getMean() / 1000.0,
                at(micros, 50), at(micros, 90), at(micros, 99), at(micros, 99.9), ms(micros.getMaxValue()),
                List.copyOf(curve));
    }

    private static double at(AbstractHistogram h, double percentile) {
        return ms(h.getValueAtPercentile(percentile));
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }
}
