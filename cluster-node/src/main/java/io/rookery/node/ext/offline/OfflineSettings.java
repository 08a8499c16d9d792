package io.rookery.node.ext.offline;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * Read from {@code rookery.user} (the settings predate the module sections): messages and bytes kept for a user
 * with no available resource, past either senders get service-unavailable (XEP-0160 §3); and the XML a delivery
 * reads from the store at a time, so a user with a full spool costs the node a batch of heap, not the spool.
 */
public record OfflineSettings(int maxMessages, long maxBytes, int deliveryBatchBytes) {
    public static OfflineSettings from(Config root) {
        int max = root.getInt("rookery.user.max-offline-messages");
        if (max < 0 || max > 100_000) {
            throw new ConfigException.BadValue("rookery.user.max-offline-messages",
                    "must be between 0 and 100000, not " + max);
        }
        long bytes = root.getBytes("rookery.user.max-offline-bytes");
        if (bytes < 0 || bytes > (1L << 34)) {
            throw new ConfigException.BadValue("rookery.user.max-offline-bytes", "must be between 0 and 16 GiB");
        }
        long batch = root.getBytes("rookery.user.offline-delivery-batch-bytes");
        if (batch < 1024 || batch > (64 << 20)) {
            throw new ConfigException.BadValue("rookery.user.offline-delivery-batch-bytes",
                    "must be between 1 KiB and 64 MiB");
        }
        return new OfflineSettings(max, bytes, (int) batch);
    }
}
