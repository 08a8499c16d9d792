package io.rookery.protocol.xep.fast;

import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.XmlWriter;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** XEP-0484's elements and the HT-SHA-256 mechanisms' proofs. */
public final class Fast {
    public static final String NS = "urn:xmpp:fast:0";
    /** Without channel binding. */
    public static final String HT_NONE = "HT-SHA-256-NONE";
    /** Bound to the TLS channel with tls-server-end-point (RFC 5929), the one binding JDK 17 can compute. */
    public static final String HT_ENDP = "HT-SHA-256-ENDP";

    private Fast() {}

    /** §3.1: the inline feature with the mechanisms tokens can be used with. */
    public static String feature(List<String> mechanisms) {
        StringBuilder out = new StringBuilder(96).append("<fast xmlns='").append(NS).append("'>");
        for (String m : mechanisms) out.append("<mechanism>").append(m).append("</mechanism>");
        return out.append("</fast>").toString();
    }

    /** §3.3: a new token for the client, in the success. */
    public static String token(String token, Instant expiry) {
        StringBuilder out = new StringBuilder(192).append("<token xmlns='").append(NS).append("' expiry='")
                .append(DateTimeFormatter.ISO_INSTANT.format(expiry.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
                .append("' token='");
        XmlWriter.escapeAttr(token, out);
        return out.append("'/>").toString();
    }

    /** §3.2: the mechanism a {@code <request-token/>} asks a token for, or null when there is none among these. */
    public static String requestedMechanism(List<Element> inline) {
        for (Element e : inline) {
            if ("request-token".equals(e.name()) && NS.equals(e.namespace())) return e.attr("mechanism");
        }
        return null;
    }

    /** §3.4: the {@code <fast/>} element of a login with a token, or null. */
    public static Element fastElement(List<Element> inline) {
        for (Element e : inline) {
            if ("fast".equals(e.name()) && NS.equals(e.namespace())) return e;
        }
        return null;
    }

    /** §3.6: whether the {@code <fast/>} element asks for its token to be invalidated. */
    public static boolean invalidates(Element fast) {
        String v = fast == null ? null : fast.attr("invalidate");
        return "true".equals(v) || "1".equals(v);
    }

    /** The authentication identity and initiator proof of an HT initial response; null when malformed. */
    public record InitialResponse(String username, byte[] proof) {
        public static InitialResponse parse(byte[] data) {
            if (data == null) return null;
            int nul = -1;
            for (int i = 0; i < data.length; i++) {
                if (data[i] == 0) {
                    nul = i;
                    break;
                }
            }
            if (nul <= 0 || data.length - nul - 1 != 32) return null;
            String user = new String(data, 0, nul, StandardCharsets.UTF_8);
            byte[] proof = java.util.Arrays.copyOfRange(data, nul + 1, data.length);
            return new InitialResponse(user, proof);
        }
    }

    /**
     * The key the proofs are computed with. HMAC (RFC 2104 §2) first hashes a key longer than its block, so for
     * tokens longer than 64 bytes HMAC(token, m) equals HMAC(SHA-256(token), m): the server keeps only this digest,
     * never the token, and still checks the proofs. (Whoever holds the digest can compute proofs: it is kept like
     * SCRAM's keys, in the account, and tokens are short-lived and revocable.)
     */
    public static byte[] key(String token) {
        byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= 64) throw new IllegalArgumentException("tokens must be longer than 64 bytes");
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** draft-schmaus-kitten-sasl-ht §3.1: HMAC(token, "Initiator" || cb-data). */
    public static byte[] initiatorProof(byte[] key, byte[] channelBinding) {
        return hmac(key, "Initiator", channelBinding);
    }

    /** §3.1: the server's answer, HMAC(token, "Responder" || cb-data), sent as the success's additional data. */
    public static byte[] responderProof(byte[] key, byte[] channelBinding) {
        return hmac(key, "Responder", channelBinding);
    }

    private static byte[] hmac(byte[] key, String label, byte[] channelBinding) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(label.getBytes(StandardCharsets.US_ASCII));
            if (channelBinding != null) mac.update(channelBinding);
            return mac.doFinal();
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
