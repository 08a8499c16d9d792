package io.rookery.persistence.push;

import io.rookery.persistence.user.UserEvent;
import java.util.Objects;

/**
 * Notifications to this node of the push service at {@code service}, or (node null) to every node of it, stopped
 * (XEP-0357 §6: the user disabled them; §7.1: the app server answered a notification with an error).
 */
public record PushDisabled(String service, String node) implements UserEvent {
    public PushDisabled {
        Objects.requireNonNull(service, "service");
    }
}
