package io.rookery.node.ext.blocking;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * {@code rookery.modules.blocking}: max-items, the JIDs one blocklist may hold. A blocklist is kept in memory by the
 * account and each of its sessions and matched against every stanza, so spam lists of many thousands are refused
 * (not-acceptable).
 */
public record BlockingSettings(int maxItems) {
    public static BlockingSettings from(Config section) {
        int max = section.getInt("max-items");
        if (max < 1 || max > 100_000) {
            throw new ConfigException.BadValue("rookery.modules.blocking.max-items",
                    "must be between 1 and 100000, not " + max);
        }
        return new BlockingSettings(max);
    }
}
