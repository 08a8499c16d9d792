package io.rookery.protocol.sasl;

import java.util.Arrays;
import java.util.Objects;

/**
 * What the server keeps of a password for one SCRAM hash (RFC 5802 §3): salt, iteration count, StoredKey and
 * ServerKey. Neither the password nor the salted password is ever kept.
 */
public record ScramCredentials(ScramHash hash, byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {

    /**
     * Iteration count for new credentials (RFC 7677 §4 asks for at least 4096). Unknown users are answered with
     * this count too, so credentials stored with another count let an attacker tell real users from unknown ones.
     */
    public static final int DEFAULT_ITERATIONS = 4096;

    /** Salt length for new credentials; unknown users get salts of this length as well. */
    public static final int DEFAULT_SALT_BYTES = 16;

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    public ScramCredentials {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(salt, "salt");
        Objects.requireNonNull(storedKey, "storedKey");
        Objects.requireNonNull(serverKey, "serverKey");
        if (iterations < 1) throw new IllegalArgumentException("iterations must be positive");
    }

    /** Derives the stored keys from a password (SASLprepped first) with the given salt and iteration count. */
    public static ScramCredentials derive(ScramHash hash, String password, byte[] salt, int iterations) {
        return ScramCrypto.derive(hash, password, salt, iterations);
    }

    /** New credentials for a password: a fresh random salt of DEFAULT_SALT_BYTES and DEFAULT_ITERATIONS. */
    public static ScramCredentials generate(ScramHash hash, String password) {
        byte[] salt = new byte[DEFAULT_SALT_BYTES];
        RANDOM.nextBytes(salt);
        return derive(hash, password, salt, DEFAULT_ITERATIONS);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScramCredentials c && c.hash == hash && c.iterations == iterations
                && Arrays.equals(c.salt, salt) && Arrays.equals(c.storedKey, storedKey)
                && Arrays.equals(c.serverKey, serverKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hash, iterations, Arrays.hashCode(salt), Arrays.hashCode(storedKey));
    }

    @Override
    public String toString() {
        return "ScramCredentials[" + hash + ", iterations=" + iterations + "]";
    }
}
