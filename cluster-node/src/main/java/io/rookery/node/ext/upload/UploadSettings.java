package io.rookery.node.ext.upload;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code rookery.modules.upload}: the service's subdomain and name; the largest file; what one user's files may
 * hold together (0: no quota); how long a file is kept (0: until removed by hand); how long a slot's PUT URL stays
 * good; the store (a folder, or an S3-compatible bucket); the folder files are kept in (with a bucket: where uploads
 * wait until they are complete); how often expired files are removed.
 *
 * @param s3 the bucket when {@code store = s3}, else null
 */
record UploadSettings(String subdomain, String name, long maxFileSize, long quota, Duration expireAfter,
        Duration slotTimeout, Path folder, Duration sweepInterval, S3 s3) {
    private static final String PATH = "rookery.modules.upload.";

    /**
     * {@code rookery.modules.upload.s3}: the endpoint (scheme, host, port, and a path when the bucket service is
     * behind one), the region the signature names, the bucket, the prefix of every key ("" or ending in '/'), the
     * keys, and how long one request may wait for its answer.
     */
    record S3(URI endpoint, String region, String bucket, String prefix, String accessKey, String secretKey,
            Duration timeout) {
        /** Never prints the secret key. */
        @Override
        public String toString() {
            return "S3[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", prefix=" + prefix
                    + ", accessKey=" + accessKey + "]";
        }
    }

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
        S3 s3 = switch (c.getString("store")) {
            case "folder" -> null;
            case "s3" -> s3(c.getConfig("s3"), max);
            default -> throw new ConfigException.BadValue(PATH + "store", "folder or s3");
        };
        return new UploadSettings(subdomain, c.getString("name"), max, quota, expire, slot,
                Path.of(c.getString("folder")), sweep, s3);
    }

    private static S3 s3(Config c, long maxFileSize) {
        String p = PATH + "s3.";
        if (maxFileSize > S3Bucket.MAX_SINGLE_PUT) {
            throw new ConfigException.BadValue(PATH + "max-file-size", "at most 5 GiB with store = s3: one PutObject"
                    + " takes at most that, and multipart uploads are not implemented");
        }
        URI endpoint;
        try {
            endpoint = new URI(required(c, p, "endpoint"));
        } catch (URISyntaxException e) {
            throw new ConfigException.BadValue(p + "endpoint", "not a URI: " + e.getMessage());
        }
        if (!("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))
                || endpoint.getHost() == null || endpoint.getRawQuery() != null || endpoint.getRawFragment() != null
                || endpoint.getRawUserInfo() != null) {
            throw new ConfigException.BadValue(p + "endpoint", "an http or https URL with a host, without user, query"
                    + " or fragment, such as https://s3.eu-central-1.amazonaws.com or http://minio:9000");
        }
        String region = required(c, p, "region");
        String bucket = required(c, p, "bucket");
        if (!bucket.matches("[A-Za-z0-9._-]{1,255}")) {
            throw new ConfigException.BadValue(p + "bucket", "letters, digits, '.', '-' and '_' only");
        }
        String prefix = c.getString("prefix");
        if (prefix.startsWith("/") || !prefix.isEmpty() && !prefix.endsWith("/") || prefix.contains("//")) {
            throw new ConfigException.BadValue(p + "prefix", "\"\" or a path such as \"rookery/upload/\" (no leading"
                    + " '/', a trailing one)");
        }
        Duration timeout = c.getDuration("timeout");
        if (timeout.toSeconds() < 1) throw new ConfigException.BadValue(p + "timeout", "at least 1 s");
        return new S3(endpoint, region, bucket, prefix, required(c, p, "access-key"), required(c, p, "secret-key"),
                timeout);
    }

    private static String required(Config c, String p, String name) {
        String v = c.getString(name).strip();
        if (v.isEmpty()) {
            throw new ConfigException.BadValue(p + name, "must be set with store = s3"
                    + (name.endsWith("-key") ? " (ROOKERY_UPLOAD_S3_" + name.replace('-', '_').toUpperCase(
                            java.util.Locale.ROOT) + " in the environment)" : ""));
        }
        return v;
    }

    /** Never prints the S3 secret key (see {@link S3#toString}). */
    @Override
    public String toString() {
        return "UploadSettings[subdomain=" + subdomain + ", maxFileSize=" + maxFileSize + ", quota=" + quota
                + ", expireAfter=" + expireAfter + ", folder=" + folder + ", store=" + (s3 == null ? "folder" : s3)
                + "]";
    }
}
