package io.rookery.node.ext;

import com.typesafe.config.Config;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * What a module may use while declaring: the domain, its own configuration section
 * ({@code rookery.modules.<name>}), the node's clock and start, what all modules declared together, the node's
 * metrics registry, where a module registers its own ({@code xmpp_<area>_<what>_total}, no JIDs in labels), and
 * the node's account creation, the stores modules keep data in outside account state, the router, for stanzas a
 * module sends when a store read it started completes, and the server's administration (all available once the node
 * runs: read them when handling, not while declaring).
 *
 * @param root the whole configuration, for settings that predate the module sections (read-only)
 */
public record ModuleContext(String name, String domain, Config config, Config root, Clock clock, Instant startedAt,
        ServerInfo server, PrometheusRegistry metrics, Supplier<AccountProvisioning> accounts,
        Supplier<ModuleStores> stores, Supplier<StanzaSink> router, Supplier<ServerAdministration> admin) {}
