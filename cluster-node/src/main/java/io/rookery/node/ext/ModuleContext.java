package io.rookery.node.ext;

import com.typesafe.config.Config;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Instant;

/**
 * What a module may use while declaring: the domain, its own configuration section
 * ({@code rookery.modules.<name>}), the node's clock and start, what all modules declared together, and the node's
 * metrics registry, where a module registers its own ({@code xmpp_<area>_<what>_total}, no JIDs in labels).
 *
 * @param root the whole configuration, for settings that predate the module sections (read-only)
 */
public record ModuleContext(String name, String domain, Config config, Config root, Clock clock, Instant startedAt,
        ServerInfo server, PrometheusRegistry metrics) {}
