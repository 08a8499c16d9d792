package io.rookery.persistence.pep;

import io.rookery.persistence.user.UserEvent;
import java.util.Map;
import java.util.Objects;

/**
 * The personal node was created with, or changed to, this configuration (every field, var to value, list values one
 * per line): a field added later is a default when read, not a new event class.
 */
public record PepNodeConfigured(String node, Map<String, String> config) implements UserEvent {
    public PepNodeConfigured {
        Objects.requireNonNull(node, "node");
        config = Map.copyOf(config);
    }
}
