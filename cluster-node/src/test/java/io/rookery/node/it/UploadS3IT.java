package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import io.rookery.node.ext.upload.S3TestServer;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.httpfileupload.HttpFileUploadManager;
import org.jivesoftware.smackx.httpfileupload.element.Slot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * XEP-0363 with Smack's HttpFileUploadManager against a node whose upload store is an S3 bucket
 * ({@code rookery.modules.upload.store = s3}), served by s3proxy on loopback with Signature Version 4 checked: the
 * file lands in the bucket under the prefix and comes back byte for byte (whole, as a range, or not at all when
 * unchanged), the quota counts what the bucket holds, and a slot takes one file.
 */
class UploadS3IT {
    private static final long MAX = 256 * 1024;
    private static final long QUOTA = 640 * 1024;
    private static final String BUCKET = "rookery-it";
    private static final String PREFIX = "xmpp/upload/";
    private static S3TestServer s3;
    private static RookeryNode node;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3TestServer.start("it-access", "it-secret", BUCKET);
        node = TestNodes.startNode(Map.of("rookery.http.enabled", true,
                "rookery.modules.upload.enabled", true,
                "rookery.modules.upload.max-file-size", MAX,
                "rookery.modules.upload.quota", QUOTA,
                "rookery.modules.upload.store", "s3",
                "rookery.modules.upload.s3.endpoint", s3.endpoint().toString(),
                "rookery.modules.upload.s3.bucket", BUCKET,
                "rookery.modules.upload.s3.prefix", PREFIX,
                "rookery.modules.upload.s3.access-key", "it-access",
                "rookery.modules.upload.s3.secret-key", "it-secret"));
        http = HttpClient.newBuilder().sslContext(TestNodes.trustingContext(node)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) node.close();
        if (s3 != null) s3.close();
    }

    private static XMPPTCPConnection login(String user) throws Exception {
        return ItEnvironment.connectStartTls(node, user, ItEnvironment.PASSWORD, "up");
    }

    private static HttpFileUploadManager uploader(XMPPTCPConnection c) throws Exception {
        HttpFileUploadManager m = HttpFileUploadManager.getInstanceFor(c);
        assertTrue(m.discoverUploadService(), "the server lists upload.localhost");
        m.setTlsContext(TestNodes.trustingContext(node));
        return m;
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private static HttpResponse<byte[]> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The objects in the bucket whose key ends with that path. */
    private static List<? extends StorageMetadata> objectsEndingWith(String path) {
        return s3.blobStore().list(BUCKET, ListContainerOptions.Builder.prefix(PREFIX).recursive()).stream()
                .filter(o -> o.getName().endsWith(path)).toList();
    }

    @Test
    void aFileUploadedWithSmackLandsInTheBucketAndComesBackByteForByte() throws Exception {
        XMPPTCPConnection a = login(TestNodes.newUser(node, "s3alice"));
        try {
            byte[] content = random(200 * 1024 + 7);
            Path file = Files.createTempFile(TestNodes.testDir(), "holiday photo", ".jpg");
            Files.write(file, content);
            URL url = uploader(a).uploadFile(file.toFile());
            assertTrue(url.toString().startsWith("https://localhost:" + node.httpTlsPort() + "/upload/"),
                    url::toString);

            String path = url.getPath().substring("/upload/".length());
            List<? extends StorageMetadata> stored = objectsEndingWith(path);
            assertEquals(1, stored.size(), "one object <prefix><owner>/<slot>/<name>: " + stored);
            assertEquals(PREFIX + path, stored.get(0).getName());
            assertEquals(content.length, stored.get(0).getSize());
            // Smack asks for no content type and puts application/octet-stream.
            assertEquals("application/octet-stream", s3.blobStore().blobMetadata(BUCKET, PREFIX + path)
                    .getContentMetadata().getContentType(), "the PUT's content type, kept by the bucket");

            HttpResponse<byte[]> download = get(url.toString());
            assertEquals(200, download.statusCode());
            assertArrayEquals(content, download.body(), "the same bytes, streamed from the bucket");
            assertEquals("application/octet-stream", download.headers().firstValue("content-type").orElse(null));
            assertEquals("nosniff", download.headers().firstValue("x-content-type-options").orElse(null));
            String modified = download.headers().firstValue("last-modified").orElse(null);
            assertNotNull(modified, "the object's LastModified");

            HttpResponse<byte[]> range = get(url.toString(), "Range", "bytes=100000-100009");
            assertEquals(206, range.statusCode());
            assertArrayEquals(Arrays.copyOfRange(content, 100000, 100010), range.body());
            assertEquals(304, get(url.toString(), "If-Modified-Since", modified).statusCode(),
                    "unchanged: no GetObject needed");
            assertArrayEquals(content, get(url.toString()).body(), "and again, whole");
        } finally {
            a.disconnect();
        }
    }

    @Test
    void theQuotaCountsWhatTheBucketHolds() throws Exception {
        XMPPTCPConnection a = login(TestNodes.newUser(node, "s3quota"));
        try {
            HttpFileUploadManager m = uploader(a);
            for (int i = 0; i < 3; i++) {
                m.uploadFile(new java.io.ByteArrayInputStream(random(200 * 1024)), "part" + i + ".bin", 200 * 1024);
            }
            XMPPException.XMPPErrorException refused = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> m.requestSlot("part3.bin", 200 * 1024, "application/octet-stream"));
            StanzaError e = refused.getStanzaError();
            assertEquals(StanzaError.Condition.resource_constraint, e.getCondition());
            ExtensionElement retry = e.getExtension("retry", "urn:xmpp:http:upload:0");
            assertNotNull(retry, "§5: a <retry/> stamp");
            // Read from its XML: Smack 4.4 and 4.5 type it apart.
            java.util.regex.Matcher stamp = java.util.regex.Pattern.compile("stamp=['\"]([^'\"]+)['\"]")
                    .matcher(retry.toXML().toString());
            assertTrue(stamp.find(), retry.toXML().toString());
            Instant at = Instant.parse(stamp.group(1));
            // The oldest object's LastModified plus expire-after (7 days by default).
            assertTrue(at.isAfter(Instant.now().plus(Duration.ofDays(6))) && at.isBefore(Instant.now()
                    .plus(Duration.ofDays(8))), stamp.group(1));
            assertNotNull(m.requestSlot("small.bin", 10 * 1024, "application/octet-stream"), "a smaller file fits");
        } finally {
            a.disconnect();
        }
    }

    @Test
    void aSlotTakesOneFileAndNothingIsThereBeforeIt() throws Exception {
        XMPPTCPConnection a = login(TestNodes.newUser(node, "s3put"));
        try {
            Slot slot = uploader(a).requestSlot("notes.txt", 100, "text/plain");
            String put = slot.getPutUrl().toString();
            String get = slot.getGetUrl().toString();
            byte[] body = random(100);
            assertEquals(404, get(get).statusCode(), "nothing to get before the upload");
            assertEquals(201, put(put, body).statusCode());
            assertEquals(409, put(put, random(100)).statusCode(), "a slot takes one file");
            HttpResponse<byte[]> got = get(get);
            assertEquals(200, got.statusCode());
            assertArrayEquals(body, got.body(), "the first file stays");
            assertTrue(got.headers().firstValue("content-type").orElse("").startsWith("text/plain"),
                    got.headers().toString());
            String key = PREFIX + slot.getGetUrl().getPath().substring("/upload/".length());
            assertEquals("text/plain", s3.blobStore().blobMetadata(BUCKET, key).getContentMetadata().getContentType(),
                    "the slot's content type, kept by the bucket");
        } finally {
            a.disconnect();
        }
    }

    private static HttpResponse<String> put(String url, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
