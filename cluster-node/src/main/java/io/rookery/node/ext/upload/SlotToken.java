package io.rookery.node.ext.upload;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The names and signatures of slots, from a key derived from the cluster's shared secret, so that any node takes a
 * PUT for a slot another node gave: an owner's folder name (a keyed hash of the bare JID: not guessable, and the
 * JID is not in the URL), a random slot name (128 bits, XEP-0363 §9's long random part), and the PUT URL's token
 * over everything the upload must match.
 */
final class SlotToken {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    SlotToken(byte[] clusterSecret) {
        this.key = new SecretKeySpec(hmac(new SecretKeySpec(clusterSecret, "HmacSHA256"),
                "rookery-upload-v1"), "HmacSHA256");
    }

    /** 22 characters of [A-Za-z0-9_-] naming the user's folder. */
    String owner(String bareJid) {
        return B64.encodeToString(hmac(key, "owner\n" + bareJid)).substring(0, 22);
    }

    String newSlot() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return B64.encodeToString(b);
    }

    /** The token of a PUT: the slot, its file, size, content type ("" when none was given) and expiry. */
    String put(String owner, String slot, String filename, long size, String contentType, long expiresEpochSecond) {
        return B64.encodeToString(hmac(key, "put\n" + owner + "\n" + slot + "\n" + filename + "\n" + size + "\n"
                + contentType + "\n" + expiresEpochSecond));
    }

    /** Compared in constant time. */
    boolean validPut(String token, String owner, String slot, String filename, long size, String contentType,
            long expiresEpochSecond) {
        if (token == null) return false;
        return MessageDigest.isEqual(token.getBytes(StandardCharsets.US_ASCII),
                put(owner, slot, filename, size, contentType, expiresEpochSecond).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] hmac(SecretKeySpec key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
