package io.rookery.persistence.offline;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where offline messages wait, outside the account entity's memory: one row per message, keyed by the account's
 * bare JID and a spool number the entity hands out in order. The entity is the only writer of its rows and
 * remembers which numbers it spooled ({@link OfflineSpool}); the store only keeps the bytes. All calls are
 * asynchronous and never block the caller.
 */
public interface OfflineStore {
    /** One spooled message: its number, when the server received it, and its XML. */
    record Spooled(long seq, long receivedAtMillis, String stanzaXml) {}

    CompletionStage<Void> put(String user, long seq, long receivedAtMillis, String stanzaXml);

    /** The messages numbered {@code from} to {@code to} (inclusive), oldest first, at most {@code limit}. */
    CompletionStage<List<Spooled>> read(String user, long from, long to, int limit);

    /** Removes the messages numbered {@code from} to {@code to} (inclusive). */
    CompletionStage<Void> remove(String user, long from, long to);

    /** Removes everything the user has spooled (the account was deleted). */
    CompletionStage<Void> removeAll(String user);
}
