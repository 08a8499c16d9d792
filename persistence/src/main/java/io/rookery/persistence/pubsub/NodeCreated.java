package io.rookery.persistence.pubsub;

import java.util.Map;
import java.util.Objects;

/**
 * §8.1: the node was created by the user with this bare JID, its first owner, with this configuration (every
 * {@code pubsub#} field Rookery knows, list values one per line; a field added later reads as its default).
 */
public record NodeCreated(String owner, Map<String, String> config) implements NodeEvent {
    public NodeCreated {
        Objects.requireNonNull(owner, "owner");
        config = Map.copyOf(config);
    }
}
