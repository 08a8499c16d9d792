package io.rookery.loadtest;

/**
 * One point of the timeline, taken by the reporter every second (or every progress interval if shorter). Totals
 * are since the start; rates and latencies cover the interval since the previous sample (NaN when no message
 * arrived in it).
 */
record Sample(double seconds, int sessionsUp, long loginsOk, long loginsFailed, long dropped, long sent,
        long received, long bounced, double loginsPerSecond, double sentPerSecond, double receivedPerSecond,
        double latencyP50Ms, double latencyP99Ms, double latencyMaxMs) {}
