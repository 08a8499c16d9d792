package io.rookery.node.ext;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What a service gets when the node starts it: the actor system (for its sharded entities), the router that takes
 * the stanzas it sends (to users, other services, remote domains), the modules' stores, the node's metrics, and a
 * secret the whole cluster shares (the same on every node and across restarts; random in tests without Cassandra),
 * for identifiers that must not be guessed (XEP-0421 occupant ids).
 */
public record ServiceContext(ActorSystem<?> system, StanzaSink router, ModuleStores stores,
        PrometheusRegistry metrics, byte[] clusterSecret) {}
