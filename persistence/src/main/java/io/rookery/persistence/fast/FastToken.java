package io.rookery.persistence.fast;

import java.util.Objects;

/**
 * One token of a client. key: Base64 of SHA-256 of the token; expiresAt: epoch seconds; fresh: issued and not yet
 * used (XEP-0484 §5.1's "new" slot), else the one in use ("current").
 */
public record FastToken(String client, String mechanism, String key, long expiresAt, boolean fresh) {
    public FastToken {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(mechanism, "mechanism");
        Objects.requireNonNull(key, "key");
    }
}
