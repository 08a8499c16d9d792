package io.rookery.node.ext.pubsub;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.rookery.protocol.xep.pubsub.NodeConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code rookery.modules.pubsub}: the service's subdomain and name; who may create nodes (these bare JIDs, or any
 * user of the server when none are listed); the most nodes the service holds, items a node keeps (what "max"
 * means), bytes an item may have, items one retrieval returns without max_items, subscriptions one node holds; how
 * long an idle node stays in memory; a new node's configuration.
 */
record PubSubSettings(String subdomain, String name, Set<String> creators, int maxNodes, int maxItems,
        int maxItemBytes, int maxItemsPerRequest, int maxSubscriptions, Duration idleTimeout,
        NodeConfig defaultConfig) {
    private static final String PATH = "rookery.modules.pubsub.";

    static PubSubSettings from(Config c) {
        String subdomain = c.getString("subdomain");
        if (subdomain.isEmpty() || subdomain.contains("@") || subdomain.contains("/")) {
            throw new ConfigException.BadValue(PATH + "subdomain", "must be a DNS label or labels");
        }
        Duration idle = c.getDuration("idle-timeout");
        if (idle.isNegative() || idle.isZero() || idle.toHours() > 24) {
            throw new ConfigException.BadValue(PATH + "idle-timeout", "must be between 1 ms and 24 h");
        }
        long itemBytes = c.getBytes("max-item-bytes");
        if (itemBytes < 1024 || itemBytes > (16L << 20)) {
            throw new ConfigException.BadValue(PATH + "max-item-bytes", "must be between 1 KiB and 16 MiB");
        }
        int maxItems = bounded(c, "max-items", 1, 1_000_000);
        return new PubSubSettings(subdomain, c.getString("name"), Set.copyOf(c.getStringList("creators")),
                bounded(c, "max-nodes", 1, 10_000_000), maxItems, (int) itemBytes,
                bounded(c, "max-items-per-request", 1, 10_000), bounded(c, "max-subscriptions", 1, 1_000_000), idle,
                defaultConfig(c.getConfig("default-node-config"), maxItems));
    }

    /** Read through NodeConfig's own form handling, so the defaults obey the same rules as an owner's form. */
    private static NodeConfig defaultConfig(Config c, int maxItems) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put(NodeConfig.ACCESS_MODEL, List.of(c.getString("access-model")));
        form.put(NodeConfig.MAX_ITEMS, List.of(c.getString("max-items")));
        form.put(NodeConfig.PERSIST_ITEMS, List.of(bool(c, "persist-items")));
        form.put(NodeConfig.DELIVER_PAYLOADS, List.of(bool(c, "deliver-payloads")));
        form.put(NodeConfig.DELIVER_NOTIFICATIONS, List.of(bool(c, "deliver-notifications")));
        form.put(NodeConfig.NOTIFY_RETRACT, List.of(bool(c, "notify-retract")));
        form.put(NodeConfig.NOTIFY_DELETE, List.of(bool(c, "notify-delete")));
        form.put(NodeConfig.NOTIFY_CONFIG, List.of(bool(c, "notify-config")));
        form.put(NodeConfig.SEND_LAST, List.of(c.getString("send-last-published-item")));
        form.put(NodeConfig.NOTIFICATION_TYPE, List.of(c.getString("notification-type")));
        form.put(NodeConfig.PUBLISH_MODEL, List.of(c.getString("publish-model")));
        NodeConfig config;
        try {
            config = NodeConfig.PEP_DEFAULT.with(form, maxItems);
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(PATH + "default-node-config", e.getMessage());
        }
        if (!NodeAccess.SUPPORTED.contains(config.accessModel())) {
            throw new ConfigException.BadValue(PATH + "default-node-config.access-model", "open or whitelist");
        }
        return config;
    }

    private static String bool(Config c, String key) {
        return c.getBoolean(key) ? "1" : "0";
    }

    private static int bounded(Config c, String key, int min, int max) {
        int v = c.getInt(key);
        if (v < min || v > max) {
            throw new ConfigException.BadValue(PATH + key, "must be between " + min + " and " + max);
        }
        return v;
    }
}
