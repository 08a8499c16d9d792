package io.rookery.protocol.xep.component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * XEP-0114 §3: the component proves it knows the shared secret with {@code <handshake>hex</handshake>}, the
 * lower-case hexadecimal SHA-1 of the stream id the server gave followed by the secret, in UTF-8; the server answers
 * an empty {@code <handshake/>}. The secret is hashed as it is, without the XML escaping the XEP's text mentions:
 * ejabberd, Prosody, slixmpp and Smack all do so, and our stream ids hold no character XML would escape.
 */
public final class Handshake {
    public static final String ELEMENT = "handshake";

    /** The server's answer to a valid handshake (XEP-0114 §3). */
    public static final String SUCCESS = "<handshake/>";

    private Handshake() {}

    /** The handshake value for this stream id and secret: lower-case hex of SHA-1(streamId + secret). */
    public static String digest(String streamId, String secret) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(sha1.digest((streamId + secret).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /**
     * Whether {@code received} (the handshake element's text) is the digest of this stream id and secret, compared
     * in constant time; surrounding whitespace and upper-case hex are tolerated.
     */
    public static boolean matches(String streamId, String secret, String received) {
        if (received == null || streamId == null || secret == null) return false;
        byte[] expected = digest(streamId, secret).getBytes(StandardCharsets.US_ASCII);
        byte[] got = received.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, got);
    }
}
