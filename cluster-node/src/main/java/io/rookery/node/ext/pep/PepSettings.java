package io.rookery.node.ext.pep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * {@code rookery.modules.pep}: the most items a node keeps (what "max" means), the most nodes an account may have,
 * the largest item, the most items one retrieval returns when it names no max_items, how many capability hashes
 * the node remembers, and how long it waits for a client's answer before asking again.
 */
record PepSettings(int maxItems, int maxNodes, int maxItemBytes, int maxItemsPerRequest, int capsCacheSize,
        Duration capsQueryTimeout) {
    static PepSettings from(Config c) {
        Duration timeout = c.getDuration("caps-query-timeout");
        if (timeout.isNegative() || timeout.isZero() || timeout.toMinutes() > 60) {
            throw new ConfigException.BadValue("rookery.modules.pep.caps-query-timeout",
                    "must be between 1 ms and 60 min");
        }
        long itemBytes = c.getBytes("max-item-bytes");
        if (itemBytes < 1024 || itemBytes > (16L << 20)) {
            throw new ConfigException.BadValue("rookery.modules.pep.max-item-bytes", "must be between 1 KiB and 16 MiB");
        }
        return new PepSettings(bounded(c, "max-items", 1, 1_000_000), bounded(c, "max-nodes", 1, 100_000),
                (int) itemBytes, bounded(c, "max-items-per-request", 1, 10_000),
                bounded(c, "caps-cache-size", 16, 10_000_000), timeout);
    }

    private static int bounded(Config c, String key, int min, int max) {
        int v = c.getInt(key);
        if (v < min || v > max) {
            throw new ConfigException.BadValue("rookery.modules.pep." + key,
                    "must be between " + min + " and " + max);
        }
        return v;
    }
}
