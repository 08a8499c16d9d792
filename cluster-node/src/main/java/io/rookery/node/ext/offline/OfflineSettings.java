package io.rookery.node.ext.offline;

import com.typesafe.config.Config;

/**
 * Read from {@code rookery.user.max-offline-messages} (the setting predates the module sections): messages kept
 * for a user with no available resource; past it senders get service-unavailable (XEP-0160 §3).
 */
public record OfflineSettings(int maxMessages) {
    public static OfflineSettings from(Config root) {
        int max = root.getInt("rookery.user.max-offline-messages");
        if (max < 0 || max > 100_000) {
            throw new com.typesafe.config.ConfigException.BadValue("rookery.user.max-offline-messages",
                    "must be between 0 and 100000, not " + max);
        }
        return new OfflineSettings(max);
    }
}
