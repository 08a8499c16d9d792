package io.rookery.persistence.fast;

import io.rookery.persistence.user.UserEvent;
import java.util.Objects;

/** The client logged in with its new token: it becomes the one in use, and the older one is gone (§5.1). */
public record FastTokenPromoted(String client) implements UserEvent {
    public FastTokenPromoted {
        Objects.requireNonNull(client, "client");
    }
}
