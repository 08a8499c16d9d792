package io.rookery.persistence.fast;

import io.rookery.persistence.user.UserEvent;
import java.util.Objects;

/** The client's tokens were invalidated (by the client itself, §3.6), or every client's when client is empty. */
public record FastTokensRevoked(String client) implements UserEvent {
    public FastTokensRevoked {
        Objects.requireNonNull(client, "client");
    }

    public boolean all() {
        return client.isEmpty();
    }
}
