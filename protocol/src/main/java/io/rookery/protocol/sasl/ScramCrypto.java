package io.rookery.protocol.sasl;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/** The RFC 5802 §3 primitives on JDK crypto: Hi(), HMAC(), H(). */
public final class ScramCrypto {
    private ScramCrypto() {}

    static ScramCredentials derive(ScramHash hash, String password, byte[] salt, int iterations) {
        byte[] salted = saltedPassword(hash, SaslPrep.prepare(password), salt, iterations);
        byte[] clientKey = hmac(hash, salted, "Client Key".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] storedKey = digest(hash, clientKey);
        byte[] serverKey = hmac(hash, salted, "Server Key".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        java.util.Arrays.fill(salted, (byte) 0);
        return new ScramCredentials(hash, salt.clone(), iterations, storedKey, serverKey);
    }

    /** Hi(password, salt, i) = PBKDF2 with HMAC of the hash; the password is already SASLprepped. */
    public static byte[] saltedPassword(ScramHash hash, String preparedPassword, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(preparedPassword.toCharArray(), salt, iterations, hash.length() * 8);
            return SecretKeyFactory.getInstance(hash.pbkdf2Algorithm()).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + hash.pbkdf2Algorithm(), e);
        }
    }

    public static byte[] hmac(ScramHash hash, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(hash.hmacAlgorithm());
            mac.init(new SecretKeySpec(key, hash.hmacAlgorithm()));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + hash.hmacAlgorithm(), e);
        }
    }

    public static byte[] digest(ScramHash hash, byte[] data) {
        try {
            return MessageDigest.getInstance(hash.digestAlgorithm()).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + hash.digestAlgorithm(), e);
        }
    }
}
