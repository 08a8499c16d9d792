package io.rookery.node.ext;

import com.typesafe.config.Config;
import java.time.Clock;
import java.time.Instant;

/**
 * What a module may use while declaring: the domain, its own configuration section
 * ({@code rookery.modules.<name>}), the node's clock and start, and what all modules declared together.
 *
 * @param root the whole configuration, for settings that predate the module sections (read-only)
 */
public record ModuleContext(String name, String domain, Config config, Config root, Clock clock, Instant startedAt,
        ServerInfo server) {}
