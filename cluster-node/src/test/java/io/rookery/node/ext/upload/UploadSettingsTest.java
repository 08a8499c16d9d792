package io.rookery.node.ext.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The upload settings as reference.conf gives them, and what the node refuses to start with. */
class UploadSettingsTest {
    private static final Map<String, Object> S3 = Map.of("store", "s3", "s3.endpoint", "http://127.0.0.1:9000",
            "s3.bucket", "uploads", "s3.access-key", "AKIAEXAMPLE", "s3.secret-key", "very-secret-key");

    private static Config upload(Map<String, Object> overrides) {
        return ConfigFactory.parseMap(overrides)
                .withFallback(ConfigFactory.load().getConfig("rookery.modules.upload"));
    }

    private static String refused(Map<String, Object> overrides) {
        return assertThrows(ConfigException.class, () -> UploadSettings.from(upload(overrides))).getMessage();
    }

    private static Map<String, Object> s3With(String key, Object value) {
        Map<String, Object> m = new java.util.HashMap<>(S3);
        m.put(key, value);
        return m;
    }

    @Test
    void theDefaultStoreIsAFolder() {
        UploadSettings s = UploadSettings.from(upload(Map.of()));
        assertNull(s.s3());
        assertTrue(s.folder().endsWith("upload"), s.folder().toString());
    }

    @Test
    void anS3StoreTakesItsEndpointBucketPrefixAndKeys() {
        UploadSettings s = UploadSettings.from(upload(s3With("s3.prefix", "rookery/upload/")));
        assertEquals(new UploadSettings.S3(URI.create("http://127.0.0.1:9000"), "us-east-1", "uploads",
                "rookery/upload/", "AKIAEXAMPLE", "very-secret-key", Duration.ofSeconds(60)), s.s3());
        assertFalse(s.toString().contains("very-secret-key"), s::toString);
        assertFalse(s.s3().toString().contains("very-secret-key"), () -> s.s3().toString());
        assertTrue(s.toString().contains("uploads"), s::toString);
    }

    @Test
    void anS3StoreWithoutEndpointBucketOrKeysIsRefusedAtStart() {
        for (String missing : new String[] {"s3.endpoint", "s3.bucket", "s3.access-key", "s3.secret-key"}) {
            String message = refused(s3With(missing, ""));
            assertTrue(message.contains("rookery.modules.upload." + missing) && message.contains("store = s3"),
                    message);
        }
        assertTrue(refused(s3With("s3.secret-key", " ")).contains("ROOKERY_UPLOAD_S3_SECRET_KEY"));
        assertTrue(refused(Map.of("store", "s3")).contains("s3.endpoint"), "the first missing one is named");
    }

    @Test
    void badS3SettingsAreRefusedAtStart() {
        assertTrue(refused(Map.of("store", "nfs")).contains("folder or s3"));
        assertTrue(refused(s3With("s3.endpoint", "ftp://host/")).contains("s3.endpoint"));
        assertTrue(refused(s3With("s3.endpoint", "minio:9000")).contains("s3.endpoint"), "no scheme");
        assertTrue(refused(s3With("s3.endpoint", "http://key:secret@minio:9000")).contains("s3.endpoint"));
        assertTrue(refused(s3With("s3.bucket", "a/b")).contains("s3.bucket"));
        assertTrue(refused(s3With("s3.prefix", "/upload/")).contains("s3.prefix"));
        assertTrue(refused(s3With("s3.prefix", "upload")).contains("s3.prefix"));
        assertTrue(refused(s3With("s3.timeout", "0s")).contains("s3.timeout"));
        Map<String, Object> big = s3With("max-file-size", "6GiB");
        big.put("quota", 0);
        assertTrue(refused(big).contains("5 GiB"), "past one PutObject's limit");
        big.put("store", "folder");
        assertEquals(6L << 30, UploadSettings.from(upload(big)).maxFileSize(), "a folder takes it");
    }
}
