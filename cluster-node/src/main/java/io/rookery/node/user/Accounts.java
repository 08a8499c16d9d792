package io.rookery.node.user;

import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.sasl.ScramHash;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/** Turns a password into the SCRAM keys an account keeps (one set per supported hash); the password is dropped. */
public final class Accounts {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Accounts() {}

    /** Fresh random salts; costs one PBKDF2 run per hash. */
    public static List<ScramCredentials> credentialsFor(String password, int iterations) {
        List<ScramCredentials> out = new ArrayList<>(ScramHash.values().length);
        for (ScramHash h : ScramHash.values()) out.add(ScramCredentials.derive(h, password, newSalt(), iterations));
        return List.copyOf(out);
    }

    public static byte[] newSalt() {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return salt;
    }

    /** Rejects passwords that SASLprep refuses or that are empty, before any account is touched. */
    public static void checkPassword(String password) {
        if (password == null || password.isEmpty()) throw new IllegalArgumentException("empty password");
        io.rookery.protocol.sasl.SaslPrep.prepare(password);
    }
}
