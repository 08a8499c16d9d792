/**
 * XEP-0060 Publish-Subscribe 1.26: the service on {@code pubsub.<domain>} (leaf nodes only). Each node is a sharded
 * {@link io.rookery.node.ext.pubsub.NodeEntity} whose journal holds its creation, configuration, affiliations and
 * subscriptions; items live in the {@link io.rookery.persistence.pubsub.ItemStore} XEP-0163 uses too, so that
 * {@code max_items} reads only the newest items; the service's nodes are listed in a
 * {@link io.rookery.persistence.pubsub.NodeDirectory}.
 */
package io.rookery.node.ext.pubsub;
