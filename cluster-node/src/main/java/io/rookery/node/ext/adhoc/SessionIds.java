package io.rookery.node.ext.adhoc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * XEP-0050 session ids that the server need not remember: the id carries when it was issued and a random nonce,
 * sealed with an HMAC over them, the command's node and the requester's full JID under a key of this node. A
 * command's session thus costs no memory and no timer, however many are open; an id is good for the timeout, for
 * that requester and command, on the node that issued it (which is the node of the requester's connection).
 *
 * <p>Not remembered either: that a session ended. §4.4 says an ended session's id SHOULD NOT be used again; here the
 * same requester may complete the same command once more with it until it expires, which for these commands (each
 * a single step an administrator could as well start afresh) grants nothing new.
 */
final class SessionIds {
    private static final int MAC_BYTES = 16;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    enum Check { VALID, EXPIRED, UNKNOWN }

    private final SecretKeySpec key;
    private final LongSupplier nowMillis;
    private final long timeoutMillis;
    private final SecureRandom random = new SecureRandom();

    SessionIds(byte[] key, LongSupplier nowMillis, Duration timeout) {
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.nowMillis = nowMillis;
        this.timeoutMillis = timeout.toMillis();
    }

    static byte[] newKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    String issue(String node, String requester) {
        ByteBuffer b = ByteBuffer.allocate(16 + MAC_BYTES);
        b.putLong(nowMillis.getAsLong()).putLong(random.nextLong());
        b.put(mac(b.array(), node, requester));
        return ENCODER.encodeToString(b.array());
    }

    Check check(String id, String node, String requester) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(id);
        } catch (IllegalArgumentException e) {
            return Check.UNKNOWN;
        }
        if (raw.length != 16 + MAC_BYTES) return Check.UNKNOWN;
        byte[] given = java.util.Arrays.copyOfRange(raw, 16, raw.length);
        if (!MessageDigest.isEqual(given, mac(raw, node, requester))) return Check.UNKNOWN;
        long issued = ByteBuffer.wrap(raw).getLong();
        long age = nowMillis.getAsLong() - issued;
        return age < 0 || age > timeoutMillis ? Check.EXPIRED : Check.VALID;
    }

    /** HMAC-SHA-256 of the first 16 bytes, node and requester (each length-prefixed), truncated. */
    private byte[] mac(byte[] header, String node, String requester) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(header, 0, 16);
            for (String s : new String[] {node, requester}) {
                byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                mac.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
                mac.update(bytes);
            }
            return java.util.Arrays.copyOf(mac.doFinal(), MAC_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
