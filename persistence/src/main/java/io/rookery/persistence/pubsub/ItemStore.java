package io.rookery.persistence.pubsub;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The published items of pubsub nodes, a node being a service JID (a user's bare JID for XEP-0163, a service's
 * domain) and a node name. An item id is unique in its node: publishing it again replaces the item and makes it the
 * newest. All calls are asynchronous and never block the caller.
 */
public interface ItemStore {
    /**
     * One item: its id, the full JID that published it (null when not kept), when it was published, and the item's
     * payload serialized (null: an item without payload, §7.1.3.6 notification-only nodes).
     */
    record Item(String id, String publisher, long publishedMillis, String payloadXml) {}

    /**
     * Stores the item as the node's newest, replacing one with the same id, then keeps only the newest
     * {@code maxItems} of the node.
     */
    CompletionStage<Void> publish(String service, String node, Item item, int maxItems);

    /** Removes the item; completes with whether it was there. */
    CompletionStage<Boolean> retract(String service, String node, String id);

    /** At most {@code limit} items of the node, newest first. */
    CompletionStage<List<Item>> latest(String service, String node, int limit);

    /** The items of the node with these ids that exist, in the order asked. */
    CompletionStage<List<Item>> byIds(String service, String node, List<String> ids);

    /** Removes every item of the node (a purge, or the node's deletion). */
    CompletionStage<Void> purge(String service, String node);
}
