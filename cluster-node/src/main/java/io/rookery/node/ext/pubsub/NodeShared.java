package io.rookery.node.ext.pubsub;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rookery.persistence.pubsub.ItemStore;
import io.rookery.persistence.pubsub.NodeDirectory;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every node entity of this cluster member shares: settings, the service's JID, sending, stores, metrics. */
final class NodeShared {
    private static final Logger log = LoggerFactory.getLogger(NodeShared.class);

    final PubSubSettings settings;
    /** The service's JID, {@code pubsub.<domain>}: the ItemStore's and the NodeDirectory's service key too. */
    final String service;
    /** The served domain, whose users may create nodes (when no creators are listed). */
    final String serverDomain;
    final PubSubIo io;
    private final Supplier<ItemStore> items;
    private final Supplier<NodeDirectory> nodes;
    final Counter published;
    final Counter notifications;
    final Counter subscriptions;
    final Counter created;
    final Counter deleted;
    final Counter storeErrors;
    private final Gauge inMemory;

    NodeShared(PubSubSettings settings, String service, String serverDomain, PubSubIo io, Supplier<ItemStore> items,
            Supplier<NodeDirectory> nodes, PrometheusRegistry metrics) {
        this.settings = settings;
        this.service = service;
        this.serverDomain = serverDomain;
        this.io = io;
        this.items = items;
        this.nodes = nodes;
        this.published = Counter.builder().name("xmpp_pubsub_published_total")
                .help("Items published to the pubsub service's nodes").register(metrics);
        this.notifications = Counter.builder().name("xmpp_pubsub_notifications_total")
                .help("Notifications the pubsub service sent (items, retractions, configuration, deletion, purge)")
                .register(metrics);
        this.subscriptions = Counter.builder().name("xmpp_pubsub_subscriptions_total")
                .help("Subscriptions made to the pubsub service's nodes").register(metrics);
        this.created = Counter.builder().name("xmpp_pubsub_nodes_created_total")
                .help("Nodes created on the pubsub service").register(metrics);
        this.deleted = Counter.builder().name("xmpp_pubsub_nodes_deleted_total")
                .help("Nodes deleted on the pubsub service").register(metrics);
        this.storeErrors = Counter.builder().name("xmpp_pubsub_store_errors_total")
                .help("Item and node directory reads and writes of the pubsub service that failed").register(metrics);
        this.inMemory = Gauge.builder().name("xmpp_pubsub_nodes")
                .help("Pubsub service nodes in memory on this node").register(metrics);
    }

    ItemStore items() {
        return items.get();
    }

    NodeDirectory nodes() {
        return nodes.get();
    }

    void started() {
        inMemory.inc();
    }

    void stopped() {
        inMemory.dec();
    }

    /** A failed store call: counted and logged; the request it served gets internal-server-error. */
    void storeFailed(String operation, String node, Throwable failure) {
        storeErrors.inc();
        log.warn("pubsub-store-failed operation={} node={} error={}", operation, node, failure.toString());
    }
}
