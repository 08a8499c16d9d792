package io.rookery.node.ext.upload;

import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.stream.Collectors;

/**
 * The few S3 calls the upload store makes, on the JDK's HTTP client, signed with {@link SigV4} in the Authorization
 * header, path-style ({@code <endpoint>/<bucket>/<key>}, which AWS, MinIO, Ceph RGW, Garage and s3proxy all take):
 * PutObject, HeadObject, GetObject (its body streamed), DeleteObject and ListObjectsV2. Every call but
 * {@link #get} blocks. A failure is an IOException that names the call, the key, the status and S3's error code and
 * message; a call gets no answer within the timeout fails too.
 *
 * <p>Payload hashes: a PutObject carries the file's SHA-256 (the file is local and at most max-file-size, so hashing
 * it costs one more read, and the bucket then refuses bytes changed on the way even over plain http, where
 * UNSIGNED-PAYLOAD would sign everything but the body); the other calls have no body, whose hash is a constant.
 */
final class S3Bucket {
    /** S3's limit for one PutObject; larger objects need a multipart upload, which this client does not do. */
    static final long MAX_SINGLE_PUT = 5L << 30;
    private static final int MAX_ERROR_BODY = 64 * 1024;

    /** An object as ListObjectsV2 or HeadObject describe it. */
    record S3Object(String key, long size, Instant lastModified, String contentType) {}

    /** One page of a listing, and the token of the next (null on the last). */
    record Page(List<S3Object> objects, String next) {}

    private final HttpClient http;
    private final URI endpoint;
    private final String bucket;
    private final SigV4 signer;
    private final Duration timeout;

    S3Bucket(URI endpoint, String bucket, SigV4 signer, Duration timeout) {
        this.endpoint = endpoint;
        this.bucket = bucket;
        this.signer = signer;
        this.timeout = timeout;
        // HTTP/1.1: S3 servers speak it, and the client would otherwise offer h2c upgrades on plain http.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** PutObject of the whole file with its content type; false when the bucket says the key exists already. */
    boolean put(String key, Path file, String contentType) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", contentType);
        // Conditional write: honoured by AWS (since 2024), MinIO and Ceph RGW, ignored by some others (s3proxy),
        // where the caller's HeadObject before this is the only check.
        headers.put("if-none-match", "*");
        HttpResponse<InputStream> r = send("PutObject", "PUT", key, Map.of(), headers, sha256(file),
                HttpRequest.BodyPublishers.ofFile(file));
        if (r.statusCode() == 412) {
            close(r);
            return false;
        }
        expect("PutObject", key, r, 200);
        close(r);
        return true;
    }

    /** HeadObject: the object's size, last modification and content type, or null when there is none. */
    S3Object head(String key) throws IOException {
        HttpResponse<InputStream> r = send("HeadObject", "HEAD", key, Map.of(), Map.of(), SigV4.EMPTY_SHA256,
                HttpRequest.BodyPublishers.noBody());
        if (r.statusCode() == 404) {
            close(r);
            return null;
        }
        expect("HeadObject", key, r, 200);
        close(r);
        return new S3Object(key, r.headers().firstValueAsLong("content-length").orElse(-1),
                r.headers().firstValue("last-modified").map(S3Bucket::httpDate).orElse(null),
                r.headers().firstValue("content-type").orElse(null));
    }

    /**
     * GetObject, sent without waiting: the response once its headers are in, its body a publisher the caller must
     * subscribe to (or cancel), so that the connection goes back to the client's pool. Failed with an IOException
     * for any status but 200 (the error body read and the connection freed).
     */
    CompletionStage<Flow.Publisher<List<ByteBuffer>>> get(String key) {
        HttpRequest request = request("GET", key, Map.of(), Map.of(), SigV4.EMPTY_SHA256,
                HttpRequest.BodyPublishers.noBody());
        return http.sendAsync(request, info -> info.statusCode() == 200 ? HttpResponse.BodySubscribers.ofPublisher()
                : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(),
                        body -> errorPublisher(body)))
                .thenApply(r -> {
                    if (r.body() instanceof ErrorBody e) {
                        throw new java.util.concurrent.CompletionException(failure("GetObject", key,
                                r.statusCode(), e.body()));
                    }
                    return r.body();
                });
    }

    /** DeleteObject; a key that is not there is no error (S3 answers 204 either way). */
    void delete(String key) throws IOException {
        HttpResponse<InputStream> r = send("DeleteObject", "DELETE", key, Map.of(), Map.of(), SigV4.EMPTY_SHA256,
                HttpRequest.BodyPublishers.noBody());
        if (r.statusCode() != 404) expect("DeleteObject", key, r, 200, 204);
        close(r);
    }

    /** ListObjectsV2 of the keys under prefix, from the page that token names (null: the first). */
    Page list(String prefix, String token, int maxKeys) throws IOException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("list-type", "2");
        query.put("prefix", prefix);
        query.put("max-keys", Integer.toString(maxKeys));
        if (token != null) query.put("continuation-token", token);
        HttpResponse<InputStream> r = send("ListObjectsV2", "GET", "", query, Map.of(), SigV4.EMPTY_SHA256,
                HttpRequest.BodyPublishers.noBody());
        expect("ListObjectsV2", prefix, r, 200);
        String xml;
        try (InputStream in = r.body()) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return parseList(xml);
    }

    /** The ListBucketResult of ListObjectsV2, read with the project's own XML parser (no DTD, no entities). */
    static Page parseList(String xml) throws IOException {
        Element root;
        try {
            root = StoredXml.parse(withoutProlog(xml));
        } catch (IllegalArgumentException e) {
            throw new IOException("ListObjectsV2 answered XML that does not parse: " + e.getMessage(), e);
        }
        if (!root.name().equals("ListBucketResult")) {
            throw new IOException("ListObjectsV2 answered <" + root.name() + ">, not <ListBucketResult>");
        }
        String ns = root.namespace();
        List<S3Object> objects = new ArrayList<>();
        for (Element c : root.children("Contents", ns)) {
            String key = c.childText("Key", ns);
            String size = c.childText("Size", ns);
            String modified = c.childText("LastModified", ns);
            if (key == null || size == null || modified == null) {
                throw new IOException("ListObjectsV2 answered a <Contents> without Key, Size or LastModified");
            }
            try {
                objects.add(new S3Object(key, Long.parseLong(size.strip()), Instant.parse(modified.strip()), null));
            } catch (RuntimeException e) {
                throw new IOException("ListObjectsV2 answered an unreadable size or date for " + key, e);
            }
        }
        boolean truncated = "true".equals(root.childText("IsTruncated", ns));
        String next = root.childText("NextContinuationToken", ns);
        if (truncated && (next == null || next.isEmpty())) {
            throw new IOException("ListObjectsV2 answered a truncated page without a NextContinuationToken");
        }
        return new Page(objects, truncated ? next : null);
    }

    private static String withoutProlog(String xml) {
        String s = xml.strip();
        if (s.startsWith("<?xml")) {
            int end = s.indexOf("?>");
            if (end > 0) s = s.substring(end + 2).strip();
        }
        return s;
    }

    private HttpResponse<InputStream> send(String call, String method, String key, Map<String, String> query,
            Map<String, String> headers, String payloadHash, HttpRequest.BodyPublisher body) throws IOException {
        try {
            return http.send(request(method, key, query, headers, payloadHash, body),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (java.net.http.HttpTimeoutException e) {
            throw new IOException("S3 " + call + " " + key + ": no answer from " + endpoint + " within " + timeout,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("S3 " + call + " " + key + " interrupted");
        } catch (IOException e) {
            throw new IOException("S3 " + call + " " + key + " at " + endpoint + " failed: " + e, e);
        }
    }

    private HttpRequest request(String method, String key, Map<String, String> query, Map<String, String> headers,
            String payloadHash, HttpRequest.BodyPublisher body) {
        String base = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        if (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        String path = base + SigV4.encodePath("/" + bucket + (key.isEmpty() ? "" : "/" + key));
        String rawQuery = query.entrySet().stream()
                .map(e -> SigV4.encode(e.getKey(), false) + "=" + SigV4.encode(e.getValue(), false))
                .collect(Collectors.joining("&"));
        URI uri = URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority() + path
                + (rawQuery.isEmpty() ? "" : "?" + rawQuery));
        Instant now = Instant.now();
        Map<String, String> signed = new LinkedHashMap<>(headers);
        signed.put("host", host(uri));
        signed.put("x-amz-date", SigV4.amzDate(now));
        signed.put("x-amz-content-sha256", payloadHash);
        // A PutObject waits for "100 Continue", so a refusal (wrong keys, no such bucket) comes back as the bucket's
        // answer before the file is sent, rather than as a connection closed in the middle of it.
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).method(method, body)
                .expectContinue(method.equals("PUT"));
        signed.forEach((name, value) -> {
            if (!name.equals("host")) b.header(name, value); // the client writes Host itself, from the URI
        });
        b.header("Authorization", signer.authorization(method, path, query, signed, payloadHash, now));
        return b.build();
    }

    /** The Host header the JDK's client sends: the port only when it is not the scheme's default. */
    static String host(URI uri) {
        int port = uri.getPort();
        boolean defaultPort = port == -1 || port == ("https".equals(uri.getScheme()) ? 443 : 80);
        return defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
    }

    private static void expect(String call, String key, HttpResponse<InputStream> r, int... ok) throws IOException {
        for (int status : ok) {
            if (r.statusCode() == status) return;
        }
        byte[] body;
        try (InputStream in = r.body()) {
            body = in.readNBytes(MAX_ERROR_BODY);
        } catch (IOException cutShort) {
            body = new byte[0];
        }
        throw failure(call, key, r.statusCode(), body);
    }

    /** S3's error code and message from its {@code <Error>} body, when there is one (HEAD answers carry none). */
    static IOException failure(String call, String key, int status, byte[] body) {
        String code = null;
        String message = null;
        try {
            Element e = StoredXml.parse(withoutProlog(new String(body, StandardCharsets.UTF_8)));
            code = e.childText("Code", e.namespace());
            message = e.childText("Message", e.namespace());
        } catch (RuntimeException notXml) {
            // No body, or not S3's: the status says what is known.
        }
        String hint = status == 403 && code == null
                ? " (refused: wrong keys, a clock more than 15 minutes off, or no right to the bucket)" : "";
        return new IOException("S3 " + call + " " + key + " answered " + status
                + (code == null ? "" : " " + code) + (message == null ? "" : ": " + message) + hint);
    }

    private static void close(HttpResponse<InputStream> r) {
        try {
            r.body().close();
        } catch (IOException ignored) {
            // The connection is dropped instead of reused.
        }
    }

    private static Instant httpDate(String value) {
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = SigV4.sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return SigV4.hex(digest.digest());
    }

    /** The body of a GetObject that did not answer 200, kept until the status is looked at. */
    private record ErrorBody(byte[] body) implements Flow.Publisher<List<ByteBuffer>> {
        @Override
        public void subscribe(Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
            throw new UnsupportedOperationException("an error answer has no content");
        }
    }

    private static Flow.Publisher<List<ByteBuffer>> errorPublisher(byte[] body) {
        return new ErrorBody(body);
    }

    @Override
    public String toString() {
        return "S3Bucket[" + endpoint + ", " + bucket + "]";
    }
}
