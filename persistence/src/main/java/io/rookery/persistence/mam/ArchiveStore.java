package io.rookery.persistence.mam;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * An account's message archive, outside the account entity's memory. Each message is kept under its archive id
 * (ordered by when it was archived, see {@code ArchiveIds} in the node) in the owner's whole archive and again
 * under the bare and the full JID of the peer, so that every XEP-0313 query reads one partition by a clustering
 * range or by ids: no secondary index, no offset. Only the owner's entity writes; all calls are asynchronous.
 */
public interface ArchiveStore {
    /** The view of the whole archive; the other views are named by the peer's bare or full JID. */
    String ALL = "";

    /** One archived message: its id, the peer's full (or bare) JID, and its XML. */
    record Archived(long id, String peer, String stanzaXml) {}

    /**
     * Archives a message exchanged with {@code peer} (a bare or full JID); ttlSeconds 0 keeps it until the account is
     * deleted.
     */
    CompletionStage<Void> put(String owner, long id, String peer, String stanzaXml, int ttlSeconds);

    /**
     * The messages of one view (ALL, a bare or a full JID) with ids from {@code from} to {@code to} inclusive,
     * oldest first, or newest first when descending, at most limit, and no more once their XML passed maxBytes (the
     * message that passed it is the last returned).
     */
    CompletionStage<List<Archived>> range(String owner, String view, long from, long to, boolean descending, int limit,
            long maxBytes);

    /** The same without a byte budget. */
    default CompletionStage<List<Archived>> range(String owner, String view, long from, long to, boolean descending,
            int limit) {
        return range(owner, view, from, to, descending, limit, Long.MAX_VALUE);
    }

    /**
     * The messages of the whole archive with these ids that exist, oldest first, read in id order and no more once
     * their XML passed maxBytes (the message that passed it is the last returned).
     */
    CompletionStage<List<Archived>> byIds(String owner, List<Long> ids, long maxBytes);

    /** The same without a byte budget. */
    default CompletionStage<List<Archived>> byIds(String owner, List<Long> ids) {
        return byIds(owner, ids, Long.MAX_VALUE);
    }

    /** Which of these ids the whole archive holds (reading ids only, not the messages). */
    CompletionStage<java.util.Set<Long>> existing(String owner, List<Long> ids);

    /** Removes the owner's whole archive (the account was deleted). */
    CompletionStage<Void> removeAll(String owner);
}
