package io.rookery.persistence.muc;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The public rooms of a XEP-0045 service, for its disco#items: each room keeps its own row (written when its
 * configuration makes it public, removed when it stops being public or is destroyed); a listing reads one
 * partition from a room JID on, in JID order. All calls are asynchronous.
 */
public interface RoomDirectory {
    /** One public room: its bare JID and its name (empty when it has none). */
    record Listed(String room, String name) {}

    CompletionStage<Void> put(String service, String room, String name);

    CompletionStage<Void> remove(String service, String room);

    /** At most limit rooms of the service whose JIDs sort after {@code after} (null: from the first). */
    CompletionStage<List<Listed>> list(String service, String after, int limit);
}
