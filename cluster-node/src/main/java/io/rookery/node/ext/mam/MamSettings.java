package io.rookery.node.ext.mam;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.rookery.persistence.mam.ArchivePrefs;
import java.time.Duration;

/**
 * {@code rookery.modules.mam}: what an account that never set preferences archives (XEP-0313 §5.2 default), the
 * page a query gets when it asks for none and the largest it may ask for, and how long messages are kept (0: until
 * the account is deleted), the archive writes that may wait for Cassandra on a node, by count and by size (past it
 * they fail, counted, and the messages are delivered all the same), and the XML one page of results may carry (a
 * page of large messages is cut short there, and says it is not complete).
 */
public record MamSettings(int defaultMode, int defaultPageSize, int maxPageSize, int retentionSeconds,
        int maxPendingWrites, long maxPendingBytes, long maxPageBytes) {
    public static MamSettings from(Config section) {
        int mode = switch (section.getString("default-mode")) {
            case "always" -> ArchivePrefs.ALWAYS;
            case "never" -> ArchivePrefs.NEVER;
            case "roster" -> ArchivePrefs.ROSTER;
            default -> throw new ConfigException.BadValue("rookery.modules.mam.default-mode",
                    "must be always, never or roster");
        };
        int max = section.getInt("max-page-size");
        if (max < 1 || max > 1000) {
            throw new ConfigException.BadValue("rookery.modules.mam.max-page-size", "must be between 1 and 1000");
        }
        int page = section.getInt("default-page-size");
        if (page < 1 || page > max) {
            throw new ConfigException.BadValue("rookery.modules.mam.default-page-size",
                    "must be between 1 and max-page-size");
        }
        Duration retention = section.getDuration("retention");
        // Cassandra's TTL is at most 20 years.
        if (retention.isNegative() || retention.getSeconds() > 630_720_000L) {
            throw new ConfigException.BadValue("rookery.modules.mam.retention", "must be between 0 and 7300 days");
        }
        int pending = section.getInt("max-pending-writes");
        if (pending < 1 || pending > 1_000_000) {
            throw new ConfigException.BadValue("rookery.modules.mam.max-pending-writes",
                    "must be between 1 and 1000000");
        }
        long pendingBytes = section.getBytes("max-pending-bytes");
        if (pendingBytes < (64 << 10) || pendingBytes > (1L << 32)) {
            throw new ConfigException.BadValue("rookery.modules.mam.max-pending-bytes",
                    "must be between 64 KiB and 4 GiB");
        }
        long pageBytes = section.getBytes("max-page-bytes");
        if (pageBytes < (16 << 10) || pageBytes > (256L << 20)) {
            throw new ConfigException.BadValue("rookery.modules.mam.max-page-bytes",
                    "must be between 16 KiB and 256 MiB");
        }
        return new MamSettings(mode, page, max, (int) retention.getSeconds(), pending, pendingBytes, pageBytes);
    }
}
