package io.rookery.persistence.pubsub;

import java.util.Map;
import java.util.Objects;

/**
 * §6.1, §6.3, §8.8: the JID (bare or full, as subscribed) has the subscription with this id and these options
 * ({@code pubsub#subscribe_options} var to value, list values one per line). The same subid again replaces the
 * subscription's options.
 */
public record NodeSubscribed(String jid, String subid, Map<String, String> options) implements NodeEvent {
    public NodeSubscribed {
        Objects.requireNonNull(jid, "jid");
        Objects.requireNonNull(subid, "subid");
        options = Map.copyOf(options);
    }
}
