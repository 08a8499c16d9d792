package io.rookery.persistence.pubsub;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The nodes of a XEP-0060 service, for its disco#items (§5.2) and its limit on nodes: each node keeps its own row
 * (written when it is created or retitled, removed when it is deleted); a listing reads one partition from a node
 * name on, in name order. All calls are asynchronous.
 */
public interface NodeDirectory {
    /** One node: its name and its title (empty when it has none). */
    record Listed(String node, String title) {}

    CompletionStage<Void> put(String service, String node, String title);

    CompletionStage<Void> remove(String service, String node);

    /** At most limit nodes of the service whose names sort after {@code after} (null: from the first). */
    CompletionStage<List<Listed>> list(String service, String after, int limit);

    /** How many nodes the service has, counting no further than {@code upTo}. */
    CompletionStage<Integer> count(String service, int upTo);
}
