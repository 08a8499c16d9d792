package io.rookery.node.ext.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 store against a real S3 API server on loopback (s3proxy, Signature Version 4 checked): a file put and
 * streamed back byte for byte with its content type, one file per slot, usage per owner with the oldest expiry,
 * listings past one page, expiry of old files and abandoned uploads, and failures that say what went wrong.
 * Each test has its own key prefix in the one bucket.
 */
class S3StoreTest {
    private static final String ACCESS = "rookery-test";
    private static final String SECRET = "s3cr3t/with+odd=chars";
    private static final String BUCKET = "rookery-uploads";
    private static final SlotToken NAMES = new SlotToken("s3-store-test".getBytes(StandardCharsets.UTF_8));
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static S3TestServer server;
    private static ActorSystem system;

    @TempDir
    Path staging;

    @BeforeAll
    static void start() throws Exception {
        server = S3TestServer.start(ACCESS, SECRET, BUCKET);
        system = ActorSystem.create("s3-store-test");
    }

    @AfterAll
    static void stop() throws Exception {
        if (system != null) system.terminate();
        if (server != null) server.close();
    }

    private static S3Bucket bucket(String access, String secret) {
        return new S3Bucket(server.endpoint(), BUCKET, new SigV4(access, secret, "us-east-1"), Duration.ofSeconds(10));
    }

    private S3Store store(int pageSize) {
        return new S3Store(bucket(ACCESS, SECRET), "rookery/t" + PREFIXES.incrementAndGet() + "/", staging, pageSize);
    }

    private static String owner(String user) {
        return NAMES.owner(user + "@localhost");
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private static String upload(S3Store store, String owner, String name, byte[] content, String type)
            throws IOException {
        String slot = NAMES.newSlot();
        Path temp = store.temporary(owner, slot);
        Files.write(temp, content);
        assertTrue(store.complete(temp, owner, slot, name, type));
        assertFalse(Files.exists(temp), "the temporary file goes once the object is put");
        return slot;
    }

    private static byte[] read(UploadStore.Stored stored) throws Exception {
        ByteString all = stored.data().runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat),
                Materializer.matFromSystem(system)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return all.toArray();
    }

    @Test
    void aFileIsPutAndStreamedBackByteForByteWithItsContentType() throws Exception {
        S3Store store = store(1000);
        String alice = owner("alice");
        byte[] content = random(700 * 1024 + 13);
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String slot = upload(store, alice, "holiday.png", content, "image/png");

        UploadStore.Stored stored = store.open(alice, slot, "holiday.png");
        assertNotNull(stored);
        assertEquals(content.length, stored.size());
        assertEquals("image/png", stored.contentType());
        assertFalse(stored.written().isBefore(before), stored.written() + " before " + before);
        assertArrayEquals(content, read(stored), "the same bytes, in many chunks");
        assertArrayEquals(content, read(stored), "each run of the source is a new GetObject");
    }

    @Test
    void aMissingFileIsNull() throws Exception {
        S3Store store = store(1000);
        String alice = owner("alice");
        String slot = upload(store, alice, "a.txt", random(10), "text/plain");
        assertNull(store.open(alice, slot, "b.txt"));
        assertNull(store.open(alice, NAMES.newSlot(), "a.txt"));
        assertNull(store.open(owner("nobody"), slot, "a.txt"));
    }

    @Test
    void aSlotTakesOneFile() throws Exception {
        S3Store store = store(1000);
        String alice = owner("alice");
        byte[] first = random(100);
        String slot = upload(store, alice, "a.txt", first, "text/plain");
        Path again = store.temporary(alice, slot);
        Files.write(again, random(101));
        assertFalse(store.complete(again, alice, slot, "a.txt", "text/plain"));
        assertFalse(Files.exists(again), "the second upload's bytes are dropped");
        assertArrayEquals(first, read(store.open(alice, slot, "a.txt")), "the first file stays");
    }

    @Test
    void usageSumsAnOwnersFilesAndKnowsWhenTheOldestExpires() throws Exception {
        S3Store store = store(1000);
        String alice = owner("alice");
        assertEquals(new UploadStore.Usage(0, null), store.usage(alice, Duration.ofDays(7)));
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String first = upload(store, alice, "a.jpg", random(1000), "image/jpeg");
        upload(store, alice, "b.jpg", random(500), "image/jpeg");
        upload(store, owner("bob"), "c.jpg", random(700), "image/jpeg");
        Instant after = Instant.now();
        // Not of the shape <owner>/<slot>/<name>: not one of the store's files.
        server.blobStore().putBlob(BUCKET, server.blobStore().blobBuilder("rookery/t" + PREFIXES.get() + "/" + alice
                + "/notes.txt").payload(random(9999)).build());

        UploadStore.Usage usage = store.usage(alice, Duration.ofDays(7));
        assertEquals(1500, usage.bytes());
        Instant oldest = store.open(alice, first, "a.jpg").written();
        assertEquals(oldest.plus(Duration.ofDays(7)), usage.oldestExpiry());
        assertFalse(oldest.isBefore(before) || oldest.isAfter(after), oldest.toString());
        assertNull(store.usage(alice, Duration.ZERO).oldestExpiry(), "files that never expire");
        assertEquals(700, store.usage(owner("bob"), Duration.ofDays(7)).bytes());
    }

    @Test
    void listingsGoPastOnePageWithContinuationTokens() throws Exception {
        S3Store store = store(2);
        String alice = owner("alice");
        for (int i = 0; i < 5; i++) upload(store, alice, "f" + i + ".bin", random(100 + i), "application/octet-stream");
        assertEquals(510, store.usage(alice, Duration.ofDays(1)).bytes(), "three pages of two keys or fewer");

        S3Bucket bucket = bucket(ACCESS, SECRET);
        List<String> keys = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            S3Bucket.Page page = bucket.list("rookery/t" + PREFIXES.get() + "/", token, 2);
            assertTrue(page.objects().size() <= 2);
            page.objects().forEach(o -> keys.add(o.key()));
            token = page.next();
            pages++;
        } while (token != null);
        assertEquals(3, pages);
        assertEquals(5, keys.size());
        assertEquals(keys.stream().sorted().toList(), keys, "in key order, none twice");
    }

    @Test
    void expiryRemovesOldFilesAndAbandonedUploadsOnly() throws Exception {
        S3Store store = store(2);
        String alice = owner("alice");
        String old1 = upload(store, alice, "a.jpg", random(10), "image/jpeg");
        String old2 = upload(store, owner("bob"), "b.jpg", random(10), "image/jpeg");
        String foreign = "rookery/t" + PREFIXES.get() + "/readme.txt";
        server.blobStore().putBlob(BUCKET, server.blobStore().blobBuilder(foreign).payload(random(5)).build());
        // The bucket keeps LastModified in whole seconds: the cut-off falls on a second after the old files' and
        // before the fresh one's.
        Instant cutoff = nextSecond();
        nextSecond();
        String fresh = upload(store, alice, "c.jpg", random(10), "image/jpeg");
        Instant now = Instant.now();
        Path abandoned = store.temporary(alice, NAMES.newSlot());
        Files.setLastModifiedTime(abandoned, FileTime.from(now.minus(Duration.ofHours(1))));
        Path uploading = store.temporary(alice, NAMES.newSlot());

        assertEquals(0, store.expire(null, now.minus(Duration.ofMinutes(10))), "expire-after 0: files stay");
        assertFalse(Files.exists(abandoned), "abandoned uploads go all the same");
        assertTrue(Files.exists(uploading), "an upload in progress stays");
        assertNotNull(store.open(alice, old1, "a.jpg"));

        assertEquals(2, store.expire(cutoff, now.minus(Duration.ofMinutes(10))));
        assertNull(store.open(alice, old1, "a.jpg"));
        assertNull(store.open(owner("bob"), old2, "b.jpg"));
        assertNotNull(store.open(alice, fresh, "c.jpg"));
        assertNotNull(server.blobStore().blobMetadata(BUCKET, foreign), "objects not of the store's shape stay");
        assertEquals(10, store.usage(alice, Duration.ofDays(1)).bytes());
    }

    /** Sleeps into the next whole second, and returns it. */
    private static Instant nextSecond() throws InterruptedException {
        Instant next = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        Thread.sleep(Duration.between(Instant.now(), next).toMillis() + 50);
        return next;
    }

    @Test
    void wrongKeysFailFastWithWhatTheBucketSaid() throws Exception {
        S3Store store = store(1000);
        String alice = owner("alice");
        String slot = upload(store, alice, "a.txt", random(10), "text/plain");
        String prefix = "rookery/t" + PREFIXES.get() + "/";
        S3Store wrongSecret = new S3Store(bucket(ACCESS, "not-the-secret"), prefix, staging, 1000);
        S3Store wrongAccess = new S3Store(bucket("nobody", SECRET), prefix, staging, 1000);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            IOException e = assertThrows(IOException.class, () -> wrongSecret.usage(alice, Duration.ofDays(1)));
            assertTrue(e.getMessage().contains("ListObjectsV2") && e.getMessage().contains("403")
                    && e.getMessage().contains("SignatureDoesNotMatch"), e.getMessage());
            e = assertThrows(IOException.class, () -> wrongAccess.usage(alice, Duration.ofDays(1)));
            assertTrue(e.getMessage().contains("403") && e.getMessage().contains("InvalidAccessKeyId"),
                    e.getMessage());
            e = assertThrows(IOException.class, () -> wrongSecret.open(alice, slot, "a.txt"));
            assertTrue(e.getMessage().contains("HeadObject") && e.getMessage().contains("403")
                    && e.getMessage().contains("wrong keys"), e.getMessage());
            Path temp = wrongSecret.temporary(alice, slot);
            Files.write(temp, random(64 * 1024));
            e = assertThrows(IOException.class, () -> wrongSecret.complete(temp, alice, NAMES.newSlot(), "b.txt",
                    "text/plain"));
            assertTrue(e.getMessage().contains("403"), e.getMessage());
            assertFalse(Files.exists(temp), "a failed upload leaves no temporary file");
            Path file = Files.write(staging.resolve("direct"), random(2 * 1024 * 1024));
            e = assertThrows(IOException.class, () -> bucket(ACCESS, "not-the-secret").put(prefix + "x", file,
                    "text/plain"));
            assertTrue(e.getMessage().contains("PutObject") && e.getMessage().contains("403"), e.getMessage());
            e = assertThrows(IOException.class, () -> wrongSecret.expire(Instant.now(), Instant.now()));
            assertTrue(e.getMessage().contains("403"), e.getMessage());
        });
        assertNotNull(store.open(alice, slot, "a.txt"), "nothing was removed");
    }

    @Test
    void aBucketThatIsNotThereOrNoServerFailsWithAnIoException() throws Exception {
        S3Store noBucket = new S3Store(new S3Bucket(server.endpoint(), "no-such-bucket", new SigV4(ACCESS, SECRET,
                "us-east-1"), Duration.ofSeconds(10)), "", staging, 1000);
        IOException e = assertThrows(IOException.class, noBucket::check);
        assertTrue(e.getMessage().contains("404 NoSuchBucket"), e.getMessage());

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        S3Store noServer = new S3Store(new S3Bucket(URI.create("http://127.0.0.1:" + closed), BUCKET, new SigV4(ACCESS,
                SECRET, "us-east-1"), Duration.ofSeconds(10)), "", staging, 1000);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            IOException refused = assertThrows(IOException.class, noServer::check);
            assertTrue(refused.getMessage().contains("127.0.0.1:" + closed), refused.getMessage());
        });
    }

    @Test
    void aListingIsReadFromItsXml() throws Exception {
        // The example answer of ListObjectsV2 in S3's API reference, truncated, with a continuation token.
        S3Bucket.Page page = S3Bucket.parseList("""
                <?xml version="1.0" encoding="UTF-8"?>
                <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
                  <Name>bucket</Name>
                  <Prefix/>
                  <KeyCount>2</KeyCount>
                  <MaxKeys>2</MaxKeys>
                  <IsTruncated>true</IsTruncated>
                  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
                  <Contents>
                    <Key>happyface.jpg</Key>
                    <LastModified>2014-11-21T19:40:05.000Z</LastModified>
                    <ETag>&quot;70ee1738b6b21e2c8a43f3a5ab0eee71&quot;</ETag>
                    <Size>11</Size>
                    <StorageClass>STANDARD</StorageClass>
                  </Contents>
                  <Contents>
                    <Key>a &amp; b.jpg</Key>
                    <LastModified>2014-11-21T19:40:06Z</LastModified>
                    <Size>1234567890123</Size>
                  </Contents>
                </ListBucketResult>
                """);
        assertEquals("1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=", page.next());
        assertEquals(List.of(new S3Bucket.S3Object("happyface.jpg", 11, Instant.parse("2014-11-21T19:40:05Z"), null),
                new S3Bucket.S3Object("a & b.jpg", 1234567890123L, Instant.parse("2014-11-21T19:40:06Z"), null)),
                page.objects());
        assertNull(S3Bucket.parseList("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>").next(),
                "no namespace, no keys, last page");
        assertThrows(IOException.class, () -> S3Bucket.parseList("<Error><Code>AccessDenied</Code></Error>"));
        assertThrows(IOException.class, () -> S3Bucket.parseList(
                "<!DOCTYPE x [<!ENTITY e 'boom'>]><ListBucketResult>&e;</ListBucketResult>"));
    }
}
