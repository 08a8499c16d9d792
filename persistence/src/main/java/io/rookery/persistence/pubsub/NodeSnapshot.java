package io.rookery.persistence.pubsub;

import java.util.List;
import java.util.Map;

/**
 * A node entity's state: whether it exists, its configuration, affiliations (bare JID to affiliation) and
 * subscriptions.
 */
public record NodeSnapshot(boolean exists, Map<String, String> config, Map<String, String> affiliations,
        List<NodeSubscribed> subscriptions) implements io.rookery.persistence.kryo.KryoSerializable {
    public NodeSnapshot {
        config = Map.copyOf(config);
        affiliations = Map.copyOf(affiliations);
        subscriptions = List.copyOf(subscriptions);
    }
}
