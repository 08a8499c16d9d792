package io.rookery.persistence.pubsub;

import java.util.Map;

/** §8.2: an owner changed the node's configuration; this is the whole of it, as in {@link NodeCreated}. */
public record NodeConfigured(Map<String, String> config) implements NodeEvent {
    public NodeConfigured {
        config = Map.copyOf(config);
    }
}
