package io.rookery.node.ext;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What a service gets when the node starts it: the actor system (for its sharded entities), the router that takes
 * the stanzas it sends (to users, other services, remote domains), the modules' stores and the node's metrics.
 */
public record ServiceContext(ActorSystem<?> system, StanzaSink router, ModuleStores stores,
        PrometheusRegistry metrics) {}
