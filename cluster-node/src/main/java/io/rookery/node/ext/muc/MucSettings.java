package io.rookery.node.ext.muc;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * {@code rookery.modules.muc}: the service's subdomain and name; the most occupants a room may hold (an owner's
 * max users stays under it) and a new room's default; discussion history sent on join by default and at most; the
 * messages one occupant may send a second, with a burst; the defaults of a new room's configuration; how long a
 * room without occupants stays in memory; the longest subject; what a room's history may hold in all (its oldest
 * messages leave first) and the largest presence an occupant may send it (it is kept while the occupant stays). The most rooms one session may be in is
 * {@code rookery.c2s.max-directed-presences}, since entering a room is a directed presence.
 */
record MucSettings(String subdomain, String name, int maxOccupants, int defaultMaxUsers, int defaultHistory,
        int maxHistory, double messagesPerSecond, int messageBurst, boolean defaultPersistent, boolean defaultPublic,
        boolean defaultModerated, boolean defaultLogging, Duration idleTimeout, int maxSubjectBytes,
        long maxHistoryBytes, int maxPresenceBytes) {
    static MucSettings from(Config c) {
        int maxOccupants = bounded(c, "max-occupants", 1, 1_000_000);
        int defaultMaxUsers = bounded(c, "default-max-users", 1, maxOccupants);
        int maxHistory = bounded(c, "max-history", 0, 1000);
        int defaultHistory = bounded(c, "default-history", 0, maxHistory);
        double rate = c.getDouble("messages-per-second");
        if (!(rate > 0) || rate > 10_000) {
            throw new ConfigException.BadValue("rookery.modules.muc.messages-per-second", "must be in (0, 10000]");
        }
        Duration idle = c.getDuration("idle-timeout");
        if (idle.isNegative() || idle.isZero() || idle.toHours() > 24) {
            throw new ConfigException.BadValue("rookery.modules.muc.idle-timeout", "must be between 1 ms and 24 h");
        }
        String subdomain = c.getString("subdomain");
        if (subdomain.isEmpty() || subdomain.contains("@") || subdomain.contains("/")) {
            throw new ConfigException.BadValue("rookery.modules.muc.subdomain", "must be a DNS label or labels");
        }
        return new MucSettings(subdomain, c.getString("name"), maxOccupants, defaultMaxUsers, defaultHistory,
                maxHistory, rate, bounded(c, "message-burst", 1, 100_000), c.getBoolean("default-persistent"),
                c.getBoolean("default-public"), c.getBoolean("default-moderated"), c.getBoolean("default-logging"),
                idle, (int) Math.min(Integer.MAX_VALUE, c.getBytes("max-subject-bytes")),
                bytes(c, "max-history-bytes", 1 << 10, 64L << 20), (int) bytes(c, "max-presence-bytes", 512, 1 << 20));
    }

    private static long bytes(Config c, String key, long min, long max) {
        long v = c.getBytes(key);
        if (v < min || v > max) {
            throw new ConfigException.BadValue("rookery.modules.muc." + key,
                    "must be between " + min + " and " + max + " bytes");
        }
        return v;
    }

    private static int bounded(Config c, String key, int min, int max) {
        int v = c.getInt(key);
        if (v < min || v > max) {
            throw new ConfigException.BadValue("rookery.modules.muc." + key,
                    "must be between " + min + " and " + max);
        }
        return v;
    }
}
