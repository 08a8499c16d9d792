package io.rookery.loadtest;

import io.rookery.protocol.sasl.SaslPrep;
import io.rookery.protocol.sasl.ScramCrypto;
import io.rookery.protocol.sasl.ScramHash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client side of one SCRAM exchange without channel binding (RFC 5802 §5 and §7; SHA-256 per RFC 7677), on the
 * primitives of {@link ScramCrypto}. Not thread-safe; one instance per exchange.
 *
 * <p>Hi() is PBKDF2 with thousands of iterations: a load generator deriving it for every login would measure its
 * own CPU, not the server. With the key cache on, ClientKey and ServerKey are kept per (hash, password, salt,
 * iterations), as clients that store the SaltedPassword do; accounts created in bulk share one salt, so one
 * derivation serves them all. The server's work is the same either way.
 */
final class ScramClient {
    private static final int CACHE_ENTRIES = 256;
    private static final Map<String, byte[][]> KEY_CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[][]> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    private final ScramHash hash;
    private final String preparedPassword;
    private final String clientFirstBare;
    private final String clientNonce;
    private final boolean useCache;
    private byte[] expectedServerSignature;
    private boolean verified;

    /**
     * @param clientNonce printable ASCII without ',' (RFC 5802 §7); the caller draws it
     */
    ScramClient(ScramHash hash, String username, String password, String clientNonce, boolean useCache) {
        this.hash = hash;
        this.preparedPassword = SaslPrep.prepare(password);
        this.clientNonce = clientNonce;
        this.useCache = useCache;
        this.clientFirstBare = "n=" + saslName(SaslPrep.prepare(username)) + ",r=" + clientNonce;
    }

    /** client-first-message: gs2-header "n,," (no channel binding, no authzid) and the bare message. */
    byte[] clientFirst() {
        return ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Answers the server-first-message with the client-final-message.
     *
     * @throws ScramException when the server's message is malformed or its nonce does not extend ours
     */
    byte[] clientFinal(byte[] serverFirstBytes) throws ScramException {
        String serverFirst = new String(serverFirstBytes, StandardCharsets.UTF_8);
        String nonce = null;
        String salt = null;
        int iterations = -1;
        String[] attrs = serverFirst.split(",", -1);
        if (attrs.length > 0 && attrs[0].startsWith("m=")) throw new ScramException("mandatory extension");
        for (String a : attrs) {
            if (a.startsWith("r=")) {
                nonce = a.substring(2);
            } else if (a.startsWith("s=")) {
                salt = a.substring(2);
            } else if (a.startsWith("i=")) {
                try {
                    iterations = Integer.parseInt(a.substring(2));
                } catch (NumberFormatException e) {
                    throw new ScramException("bad iteration count");
                }
            }
        }
        if (nonce == null || salt == null || iterations < 1) throw new ScramException("server-first-message incomplete");
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw new ScramException("server nonce does not extend the client nonce");
        }
        byte[] saltBytes;
        try {
            saltBytes = Base64.getDecoder().decode(salt);
        } catch (IllegalArgumentException e) {
            throw new ScramException("bad salt");
        }
        byte[][] keys = keys(saltBytes, salt, iterations);
        String withoutProof = "c=biws,r=" + nonce; // biws = base64("n,,")
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
                .getBytes(StandardCharsets.UTF_8);
        byte[] clientKey = keys[0];
        byte[] storedKey = ScramCrypto.digest(hash, clientKey);
        byte[] clientSignature = ScramCrypto.hmac(hash, storedKey, authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
        }
        expectedServerSignature = ScramCrypto.hmac(hash, keys[1], authMessage);
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the server-final-message proves the server knows the ServerKey (RFC 5802 §5.1 "v="). */
    boolean verifyServerFinal(byte[] serverFinalBytes) {
        if (expectedServerSignature == null || serverFinalBytes == null) return false;
        String m = new String(serverFinalBytes, StandardCharsets.UTF_8);
        if (!m.startsWith("v=")) return false;
        int end = m.indexOf(',');
        try {
            byte[] v = Base64.getDecoder().decode(end < 0 ? m.substring(2) : m.substring(2, end));
            verified = MessageDigest.isEqual(v, expectedServerSignature);
            return verified;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@link #clientFinal} has been answered. */
    boolean finalSent() {
        return expectedServerSignature != null;
    }

    /** Whether a server-final-message has been verified. */
    boolean verified() {
        return verified;
    }

    /** {ClientKey, ServerKey} from Hi(password, salt, i). */
    private byte[][] keys(byte[] salt, String saltBase64, int iterations) {
        String cacheKey = useCache ? hash + "\0" + iterations + "\0" + saltBase64 + "\0" + preparedPassword : null;
        if (cacheKey != null) {
            synchronized (KEY_CACHE) {
                byte[][] cached = KEY_CACHE.get(cacheKey);
                if (cached != null) return cached;
            }
        }
        byte[] salted = ScramCrypto.saltedPassword(hash, preparedPassword, salt, iterations);
        byte[][] keys = {
            ScramCrypto.hmac(hash, salted, "Client Key".getBytes(StandardCharsets.US_ASCII)),
            ScramCrypto.hmac(hash, salted, "Server Key".getBytes(StandardCharsets.US_ASCII))
        };
        if (cacheKey != null) {
            synchronized (KEY_CACHE) {
                KEY_CACHE.put(cacheKey, keys);
            }
        }
        return keys;
    }

    /** RFC 5802 §5.1 saslname: ',' and '=' escaped as =2C and =3D. */
    static String saslName(String name) {
        if (name.indexOf(',') < 0 && name.indexOf('=') < 0) return name;
        return name.replace("=", "=3D").replace(",", "=2C");
    }

    /** The server's SCRAM message cannot be answered; the login fails. */
    static final class ScramException extends Exception {
        ScramException(String message) {
            super(message);
        }
    }
}
