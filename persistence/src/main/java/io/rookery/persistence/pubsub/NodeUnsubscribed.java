package io.rookery.persistence.pubsub;

import java.util.Objects;

/** §6.2, §8.8: the subscription with this id ended. */
public record NodeUnsubscribed(String subid) implements NodeEvent {
    public NodeUnsubscribed {
        Objects.requireNonNull(subid, "subid");
    }
}
