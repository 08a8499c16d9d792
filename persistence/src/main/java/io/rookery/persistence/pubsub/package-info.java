/**
 * The items of XEP-0060 nodes (and so of XEP-0163 personal nodes), kept outside the entities that own the nodes:
 * an {@link io.rookery.persistence.pubsub.ItemStore} answers the newest n items of a node, or given ids, without
 * reading the others (Cassandra tables {@code pubsub_items} and {@code pubsub_items_by_time}, {@code V009}).
 */
package io.rookery.persistence.pubsub;
