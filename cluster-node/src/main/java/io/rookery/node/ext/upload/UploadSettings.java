package io.rookery.node.ext.upload;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code rookery.modules.upload}: the service's subdomain and name; the largest file; what one user's files may
 * hold together (0: no quota); how long a file is kept (0: until removed by hand); how long a slot's PUT URL stays
 * good; the folder files are kept in; how often expired files are removed.
 */
record UploadSettings(String subdomain, String name, long maxFileSize, long quota, Duration expireAfter,
        Duration slotTimeout, Path folder, Duration sweepInterval) {
    private static final String PATH = "rookery.modules.upload.";

    static UploadSettings from(Config c) {
        String subdomain = io.rookery.node.ext.ServiceRequests.subdomain(c, PATH);
        long max = c.getBytes("max-file-size");
        if (max < 1 || max > (1L << 40)) throw new ConfigException.BadValue(PATH + "max-file-size", "1 B to 1 TiB");
        long quota = c.getBytes("quota");
        if (quota != 0 && quota < max) {
            throw new ConfigException.BadValue(PATH + "quota", "0 (none) or at least max-file-size");
        }
        Duration expire = c.getDuration("expire-after");
        if (expire.isNegative()) throw new ConfigException.BadValue(PATH + "expire-after", "0 or more");
        Duration slot = c.getDuration("slot-timeout");
        if (slot.toSeconds() < 10 || slot.toHours() > 24) {
            throw new ConfigException.BadValue(PATH + "slot-timeout", "between 10 s and 24 h");
        }
        Duration sweep = c.getDuration("sweep-interval");
        if (sweep.toSeconds() < 1) throw new ConfigException.BadValue(PATH + "sweep-interval", "at least 1 s");
        return new UploadSettings(subdomain, c.getString("name"), max, quota, expire, slot,
                Path.of(c.getString("folder")), sweep);
    }
}
