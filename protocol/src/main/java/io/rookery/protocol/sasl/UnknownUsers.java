package io.rookery.protocol.sasl;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Stand-in credentials for users that do not exist, so that an unknown user gets a server-first-message that looks
 * like a real one: the same salt on every attempt, the default iteration count. Derived from the user name and a
 * secret: drawn once per process until {@link SaslMechanisms#useUnknownUserSecret} sets the one the cluster shares
 * (otherwise each node would answer the same unknown user with another salt, which tells it is unknown).
 */
final class UnknownUsers {
    private static volatile byte[] secret = randomSecret();

    private UnknownUsers() {}

    private static byte[] randomSecret() {
        byte[] s = new byte[32];
        new SecureRandom().nextBytes(s);
        return s;
    }

    static void useSecret(byte[] s) {
        if (s.length < 16) throw new IllegalArgumentException("the unknown-user secret needs at least 16 bytes");
        secret = s.clone();
    }

    static ScramCredentials credentials(ScramHash hash, String username) {
        byte[] salt = Arrays.copyOf(mac(ScramHash.SHA_256, "salt", hash, username), ScramCredentials.DEFAULT_SALT_BYTES);
        return new ScramCredentials(hash, salt, ScramCredentials.DEFAULT_ITERATIONS,
                mac(hash, "stored-key", hash, username), mac(hash, "server-key", hash, username));
    }

    private static byte[] mac(ScramHash macHash, String label, ScramHash hash, String username) {
        byte[] data = (label + '\0' + hash.name() + '\0' + username).getBytes(StandardCharsets.UTF_8);
        return ScramCrypto.hmac(macHash, secret, data);
    }
}
