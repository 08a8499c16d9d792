/**
 * XEP-0060 Publish-Subscribe 1.26 as persisted. The items of every node (XEP-0163 personal nodes and the service's
 * nodes) are kept outside the entities that own the nodes: an {@link io.rookery.persistence.pubsub.ItemStore}
 * answers the newest n items of a node, or given ids, without reading the others (Cassandra tables
 * {@code pubsub_items} and {@code pubsub_items_by_time}, {@code V009}). The service's nodes are sharded persistent
 * entities whose journals hold the {@link io.rookery.persistence.pubsub.NodeEvent}s (creation, configuration,
 * affiliations, subscriptions, deletion; Kryo ids 460-469, frozen by {@code PubSubEventsFrozenBytesTest}); the
 * service's list of nodes is a {@link io.rookery.persistence.pubsub.NodeDirectory} ({@code pubsub_nodes},
 * {@code V010}).
 */
package io.rookery.persistence.pubsub;
