package io.rookery.persistence.push;

import io.rookery.persistence.user.UserEvent;
import java.util.Objects;

/**
 * The user enabled notifications to this node of the push service at {@code service} (XEP-0357 §5): publishOptions
 * is the form to send with each one, as written (null: none); resource is the one that enabled it (its detached
 * session is what the notifications are for); at is when, in epoch milliseconds. Enabling a service and node again
 * replaces the earlier registration. Also the registration as the snapshot keeps it.
 */
public record PushEnabled(String service, String node, String publishOptions, String resource, long at)
        implements UserEvent {
    public PushEnabled {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(node, "node");
    }
}
