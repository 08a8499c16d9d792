package io.rookery.node.ext.upload;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for S3 requests signed in the Authorization header ("Authenticating Requests: Using the
 * Authorization Header", service {@code s3}): the canonical request, the string to sign, the signing key derived
 * from the secret for the day, region and service, and the header that carries the signature. Paths are encoded
 * once (S3 does not normalise nor double-encode them); query names and values are encoded and sorted.
 */
final class SigV4 {
    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    /** The SHA-256 of no bytes: the payload hash of a request without a body. */
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    private final String accessKey;
    private final byte[] secret;
    private final String region;

    SigV4(String accessKey, String secretKey, String region) {
        this.accessKey = accessKey;
        this.secret = ("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8);
        this.region = region;
    }

    /** The {@code x-amz-date} value of a request signed at that instant. */
    static String amzDate(Instant at) {
        return AMZ_DATE.format(at);
    }

    /**
     * The Authorization header of a request. {@code path} is already encoded (see {@link #encodePath}); {@code query}
     * holds names and values as they are before encoding; {@code headers} are the headers to sign, which must hold
     * {@code host}, {@code x-amz-date} (that instant's {@link #amzDate}) and {@code x-amz-content-sha256} (the
     * payload hash).
     */
    String authorization(String method, String path, Map<String, String> query, Map<String, String> headers,
            String payloadHash, Instant at) {
        SortedMap<String, String> signed = canonicalHeaders(headers);
        String signature = HEX.formatHex(hmac(signingKey(at), stringToSign(canonicalRequest(method, path, query,
                signed, payloadHash), at)));
        return ALGORITHM + " Credential=" + accessKey + "/" + scope(at) + ",SignedHeaders="
                + String.join(";", signed.keySet()) + ",Signature=" + signature;
    }

    /** Task 1 of the SigV4 documentation. */
    static String canonicalRequest(String method, String path, Map<String, String> query,
            SortedMap<String, String> headers, String payloadHash) {
        StringBuilder b = new StringBuilder(256).append(method).append('\n').append(path).append('\n');
        b.append(query.entrySet().stream()
                .map(e -> Map.entry(encode(e.getKey(), false), encode(e.getValue(), false)))
                .sorted(Map.Entry.<String, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()))
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"))).append('\n');
        headers.forEach((name, value) -> b.append(name).append(':').append(value).append('\n'));
        b.append('\n').append(String.join(";", headers.keySet())).append('\n').append(payloadHash);
        return b.toString();
    }

    /** Task 2. */
    String stringToSign(String canonicalRequest, Instant at) {
        return ALGORITHM + "\n" + amzDate(at) + "\n" + scope(at) + "\n" + sha256Hex(canonicalRequest);
    }

    private String scope(Instant at) {
        return amzDate(at).substring(0, 8) + "/" + region + "/s3/aws4_request";
    }

    /** Task 3: the secret, hashed with the day, the region, the service and the terminator in turn. */
    private byte[] signingKey(Instant at) {
        byte[] k = hmac(secret, amzDate(at).substring(0, 8));
        k = hmac(k, region);
        k = hmac(k, "s3");
        return hmac(k, "aws4_request");
    }

    /** Names in lower case, sorted; values trimmed with inner runs of spaces made one. */
    static SortedMap<String, String> canonicalHeaders(Map<String, String> headers) {
        SortedMap<String, String> m = new TreeMap<>();
        headers.forEach((name, value) -> m.put(name.toLowerCase(Locale.ROOT), value.strip().replaceAll(" +", " ")));
        return m;
    }

    /** A key's path, each segment encoded and the slashes kept. */
    static String encodePath(String path) {
        return encode(path, true);
    }

    /** RFC 3986 unreserved characters as they are, every other UTF-8 byte as %XY (upper-case hex). */
    static String encode(String s, boolean keepSlash) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~' || c == '/' && keepSlash) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }

    static String sha256Hex(String s) {
        return HEX.formatHex(sha256().digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Never the secret. */
    @Override
    public String toString() {
        return "SigV4[" + accessKey + ", " + region + "]";
    }
}
