package io.rookery.protocol.sasl;

/** The hash functions SCRAM is defined for here (RFC 5802 SHA-1, RFC 7677 SHA-256, SHA-512 by the same pattern). */
public enum ScramHash {
    SHA_1("SHA-1", "HmacSHA1", "PBKDF2WithHmacSHA1", 20),
    SHA_256("SHA-256", "HmacSHA256", "PBKDF2WithHmacSHA256", 32),
    SHA_512("SHA-512", "HmacSHA512", "PBKDF2WithHmacSHA512", 64);

    private final String digest;
    private final String hmac;
    private final String pbkdf2;
    private final int length;

    ScramHash(String digest, String hmac, String pbkdf2, int length) {
        this.digest = digest;
        this.hmac = hmac;
        this.pbkdf2 = pbkdf2;
        this.length = length;
    }

    /** JCA MessageDigest name. */
    public String digestAlgorithm() { return digest; }

    /** JCA Mac name. */
    public String hmacAlgorithm() { return hmac; }

    /** JCA SecretKeyFactory name for Hi(). */
    public String pbkdf2Algorithm() { return pbkdf2; }

    /** Output length in bytes. */
    public int length() { return length; }

    /** The SASL mechanism name without the -PLUS suffix, e.g. SCRAM-SHA-256. */
    public String mechanismName() { return "SCRAM-" + digest; }
}
