package io.rookery.node.ext.mam;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Archive ids: microseconds since the epoch when the message was archived, shifted left by 10 bits, the low bits a
 * number drawn once per node. So ids order messages by time (a time range is a range of ids, and an id says when
 * its message was archived) and two nodes that archive for the same account in the same microsecond (its entity
 * moved) collide only if they also drew the same number. Within a node they strictly increase, even if the clock
 * steps back. Written to clients in decimal (XEP-0359 stanza-id, XEP-0313 result ids).
 */
public final class ArchiveIds {
    private static final int SALT_BITS = 10;
    private static final long SALT = new SecureRandom().nextInt(1 << SALT_BITS);
    private static final AtomicLong LAST_MICROS = new AtomicLong();

    private ArchiveIds() {}

    /** A fresh id for now. */
    public static long next(long nowMillis) {
        long micros = LAST_MICROS.updateAndGet(last -> Math.max(last + 1, nowMillis * 1000));
        return (micros << SALT_BITS) | SALT;
    }

    /** The smallest id of a message archived at or after t. */
    static long atOrAfter(Instant t) {
        return Math.max(0, micros(t)) << SALT_BITS;
    }

    /** The largest id of a message archived at or before t. */
    static long atOrBefore(Instant t) {
        long micros = micros(t);
        return micros < 0 ? -1 : (micros << SALT_BITS) | ((1 << SALT_BITS) - 1);
    }

    /** When the message with this id was archived. */
    public static Instant instant(long id) {
        long micros = id >>> SALT_BITS;
        return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
    }

    /** An id a client sent, or -1 when it is not one of ours. */
    static long parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 19) return -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') return -1;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long micros(Instant t) {
        long max = Long.MAX_VALUE >>> SALT_BITS;
        try {
            long micros = Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
            return Math.min(micros, max);
        } catch (ArithmeticException e) {
            return t.getEpochSecond() < 0 ? -1 : max;
        }
    }
}
