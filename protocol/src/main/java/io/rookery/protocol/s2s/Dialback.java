package io.rookery.protocol.s2s;

import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.XmlWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * XEP-0220 Server Dialback: the key (XEP-0185) and the four elements. The elements are written with the {@code db}
 * prefix, declared on our stream header, as every implementation writes them: some peers match the prefixed name.
 */
public final class Dialback {
    public static final String NS = "jabber:server:dialback";
    /** XEP-0220 §2.1: the stream feature that says a server speaks dialback. */
    public static final String FEATURE_NS = "urn:xmpp:features:dialback";

    private Dialback() {}

    /**
     * XEP-0185 §3: HMAC-SHA256 keyed with the hex SHA-256 of the secret, over "receiving originating stream-id";
     * lower-case hex. Any server of the originating domain holding the same secret can verify the key later.
     */
    public static String key(byte[] secret, String receiving, String originating, String streamId) {
        try {
            String hashedSecret = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hashedSecret.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
            byte[] h = mac.doFinal((receiving + ' ' + originating + ' ' + streamId).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 and HmacSHA256 are in every JDK", e);
        }
    }

    /** True when the two keys are equal, in time that does not depend on where they differ. */
    public static boolean sameKey(String a, String b) {
        if (a == null || b == null) return false;
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** §2.1.1: the originating server's request, {@code <db:result from to>key</db:result>}. */
    public static String result(String from, String to, String key) {
        return open("result", from, to, null, null) + text(key) + "</db:result>";
    }

    /** §2.1.3: the receiving server's answer to a request: valid, or invalid. */
    public static String resultAnswer(String from, String to, boolean valid) {
        return open("result", from, to, null, valid ? "valid" : "invalid") + "</db:result>";
    }

    /**
     * §2.4: a request refused with an error (for example {@code item-not-found} for a domain not served here,
     * {@code remote-server-not-found} when the originating domain cannot be reached); the stream stays up.
     */
    public static String resultError(String from, String to, String condition) {
        return open("result", from, to, null, "error")
                + "<error type='cancel'><" + condition + " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
                + "</db:result>";
    }

    /** §2.2.1: the receiving server asks the authoritative server whether the key is right. */
    public static String verify(String from, String to, String id, String key) {
        return open("verify", from, to, id, null) + text(key) + "</db:verify>";
    }

    /** §2.2.2: the authoritative server's answer. */
    public static String verifyAnswer(String from, String to, String id, boolean valid) {
        return open("verify", from, to, id, valid ? "valid" : "invalid") + "</db:verify>";
    }

    public static boolean isResult(Element e) {
        return e.namespace().equals(NS) && e.name().equals("result");
    }

    public static boolean isVerify(Element e) {
        return e.namespace().equals(NS) && e.name().equals("verify");
    }

    private static String open(String name, String from, String to, String id, String type) {
        StringBuilder b = new StringBuilder(96).append("<db:").append(name);
        attr(b, "from", from);
        attr(b, "to", to);
        attr(b, "id", id);
        attr(b, "type", type);
        return b.append('>').toString();
    }

    private static void attr(StringBuilder b, String name, String value) {
        if (value == null) return;
        b.append(' ').append(name).append("='");
        XmlWriter.escapeAttr(value, b);
        b.append('\'');
    }

    private static String text(String s) {
        StringBuilder b = new StringBuilder(s.length());
        XmlWriter.escapeText(s, b);
        return b.toString();
    }
}
