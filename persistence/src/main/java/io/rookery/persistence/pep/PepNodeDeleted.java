package io.rookery.persistence.pep;

import io.rookery.persistence.user.UserEvent;
import java.util.Objects;

/** The personal node was deleted with its items. */
public record PepNodeDeleted(String node) implements UserEvent {
    public PepNodeDeleted {
        Objects.requireNonNull(node, "node");
    }
}
