package io.rookery.node.c2s;

import io.rookery.node.limits.RateLimitedLog;
import io.rookery.node.metrics.NodeMetrics;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traffic shaping of what clients send, as ejabberd's shapers and Prosody's mod_limits do: a token bucket of
 * {@code burstBytes} refilled at {@code bytesPerSecond}. A connection that has spent more than it has stops being
 * read until the bucket is back above zero (TCP then holds the client back), so one sender cannot fill a
 * recipient's queue or a node's mailboxes, and is delayed rather than disconnected. One shaper per listener, shared
 * by its connections; each connection keeps only its balance and the time of its last refill.
 */
final class Shaper {
    private static final Logger log = LoggerFactory.getLogger(Shaper.class);

    private final long bytesPerSecond;
    private final long burstBytes;
    private final NodeMetrics metrics;
    /** A flood of pauses must not flood the log. */
    private final RateLimitedLog pauses = new RateLimitedLog();

    Shaper(long bytesPerSecond, long burstBytes, NodeMetrics metrics) {
        if (bytesPerSecond <= 0 || burstBytes <= 0) throw new IllegalArgumentException("rate and burst must be > 0");
        this.bytesPerSecond = bytesPerSecond;
        this.burstBytes = burstBytes;
        this.metrics = metrics;
    }

    /** What a new connection may send at once. */
    long burst() {
        return burstBytes;
    }

    /** The balance after {@code elapsedNanos} of refill, capped at the burst. */
    long refill(long balance, long elapsedNanos) {
        if (elapsedNanos <= 0 || balance >= burstBytes) return Math.min(balance, burstBytes);
        // Long enough to refill it all? Otherwise elapsed * rate < missing * 10^9, which cannot overflow (the
        // missing bytes are at most the burst plus one read), so multiplying first keeps short refills exact.
        long missing = burstBytes - balance;
        if (elapsedNanos >= missing * TimeUnit.SECONDS.toNanos(1) / bytesPerSecond) return burstBytes;
        return balance + elapsedNanos * bytesPerSecond / TimeUnit.SECONDS.toNanos(1);
    }

    /** How long a connection with this (negative) balance waits before it is read again; counted and logged. */
    long pauseNanos(long balance) {
        metrics.c2sShaped();
        long stands = pauses.event(System.nanoTime());
        if (stands > 0) {
            log.info("c2s-shaped rate={}B/s burst={}B pauses-since-last-line={}", bytesPerSecond, burstBytes, stands);
        }
        long deficit = -balance;
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1),
                (deficit * TimeUnit.SECONDS.toNanos(1) + bytesPerSecond - 1) / bytesPerSecond);
    }
}
