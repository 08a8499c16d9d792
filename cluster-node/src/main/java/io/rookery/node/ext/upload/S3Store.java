package io.rookery.node.ext.upload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.pekko.stream.javadsl.JavaFlowSupport;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Files in an S3-compatible bucket, as objects {@code <prefix><owner>/<slot>/<file name>} whose Content-Type is the
 * upload's; uploads in progress wait in a local folder as {@code .part-*} files until they are complete and put
 * whole. Only keys of that shape count as files: other objects under the prefix are never counted nor removed.
 * Expiry goes by the objects' LastModified, which the bucket sets when an object is written (seconds apart).
 */
final class S3Store implements UploadStore {
    private static final String PART = ".part-";
    /** Owner and slot as {@link SlotToken} makes them, then a name as {@link Uploads#safeName} makes it. */
    private static final Pattern FILE_KEY =
            Pattern.compile("[A-Za-z0-9_-]{22}/[A-Za-z0-9_-]{22}/[A-Za-z0-9._-]{1,128}");
    private static final String FALLBACK_TYPE = "application/octet-stream";

    private final S3Bucket bucket;
    private final String prefix;
    private final Path staging;
    private final int pageSize;

    /** pageSize: keys per ListObjectsV2 page (S3 gives at most 1000). */
    S3Store(S3Bucket bucket, String prefix, Path staging, int pageSize) {
        this.bucket = bucket;
        this.prefix = prefix;
        this.staging = staging;
        this.pageSize = pageSize;
    }

    S3Store(S3Bucket bucket, String prefix, Path staging) {
        this(bucket, prefix, staging, 1000);
    }

    private String key(String owner, String slot, String filename) {
        return prefix + owner + "/" + slot + "/" + filename;
    }

    private boolean isFile(String key) {
        if (!key.startsWith(prefix) || !FILE_KEY.matcher(key).region(prefix.length(), key.length()).matches()) {
            return false;
        }
        String name = key.substring(key.lastIndexOf('/') + 1);
        return Uploads.safeName(name).equals(name);
    }

    /** A ListObjectsV2 of the prefix, to tell at start whether the bucket is reachable with these keys. */
    void check() throws IOException {
        bucket.list(prefix, null, 1);
    }

    @Override
    public Usage usage(String owner, Duration expireAfter) throws IOException {
        long bytes = 0;
        Instant oldest = null;
        String token = null;
        do {
            S3Bucket.Page page = bucket.list(prefix + owner + "/", token, pageSize);
            for (S3Bucket.S3Object o : page.objects()) {
                if (!isFile(o.key())) continue;
                bytes += o.size();
                if (oldest == null || o.lastModified().isBefore(oldest)) oldest = o.lastModified();
            }
            token = page.next();
        } while (token != null);
        return new Usage(bytes, oldest == null || expireAfter.isZero() ? null : oldest.plus(expireAfter));
    }

    @Override
    public Path temporary(String owner, String slot) throws IOException {
        Files.createDirectories(staging);
        return Files.createTempFile(staging, PART, "");
    }

    /**
     * A HeadObject first, then a PutObject of the file that asks the bucket to refuse it if the key exists
     * (If-None-Match); where the bucket ignores that, two PUTs of one slot at the same instant may both succeed, the
     * last one kept. A slot's URL is its owner's alone, so that is at worst the owner's own file replaced.
     */
    @Override
    public boolean complete(Path temp, String owner, String slot, String filename, String contentType)
            throws IOException {
        String key = key(owner, slot, filename);
        try {
            if (bucket.head(key) != null) return false;
            return bucket.put(key, temp, contentType == null || contentType.isBlank() ? FALLBACK_TYPE : contentType);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * A HeadObject for the size and type; the GetObject is sent only when the returned source runs, and its body
     * streams through (never whole in memory). Removed between the two, the download fails partway.
     */
    @Override
    public Stored open(String owner, String slot, String filename) throws IOException {
        String key = key(owner, slot, filename);
        S3Bucket.S3Object o = bucket.head(key);
        if (o == null) return null;
        if (o.size() < 0) throw new IOException("S3 HeadObject " + key + " answered without a Content-Length");
        Source<ByteString, ?> data = Source.lazyCompletionStageSource(() -> bucket.get(key)
                .thenApply(body -> JavaFlowSupport.Source.fromPublisher(body).map(S3Store::bytes)));
        return new Stored(o.size(), o.contentType(), o.lastModified() == null ? Instant.now() : o.lastModified(), data);
    }

    private static ByteString bytes(List<ByteBuffer> buffers) {
        ByteString b = ByteString.emptyByteString();
        for (ByteBuffer buffer : buffers) b = b.concat(ByteString.fromByteBuffer(buffer));
        return b;
    }

    @Override
    public int expire(Instant writtenBefore, Instant abandonedBefore) throws IOException {
        expireParts(abandonedBefore);
        if (writtenBefore == null) return 0;
        int removed = 0;
        String token = null;
        do {
            // Deleting while listing is safe: the next page starts after the last key of this one.
            S3Bucket.Page page = bucket.list(prefix, token, pageSize);
            for (S3Bucket.S3Object o : page.objects()) {
                if (isFile(o.key()) && o.lastModified().isBefore(writtenBefore)) {
                    bucket.delete(o.key());
                    removed++;
                }
            }
            token = page.next();
        } while (token != null);
        return removed;
    }

    private void expireParts(Instant abandonedBefore) throws IOException {
        if (!Files.isDirectory(staging)) return;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(staging, PART + "*")) {
            for (Path part : parts) {
                try {
                    if (Files.getLastModifiedTime(part).toInstant().isBefore(abandonedBefore)) {
                        Files.deleteIfExists(part);
                    }
                } catch (NoSuchFileException completedMeanwhile) {
                    // Put and removed by its upload.
                }
            }
        }
    }

    @Override
    public String toString() {
        return "S3Store[" + bucket + ", prefix '" + prefix + "']";
    }
}
