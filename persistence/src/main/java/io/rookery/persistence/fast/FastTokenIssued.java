package io.rookery.persistence.fast;

import io.rookery.persistence.user.UserEvent;
import java.util.Objects;

/** A token was issued to the client: it takes the client's "new" slot, replacing an unused one there. */
public record FastTokenIssued(String client, String mechanism, String key, long expiresAt) implements UserEvent {
    public FastTokenIssued {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(mechanism, "mechanism");
        Objects.requireNonNull(key, "key");
    }
}
