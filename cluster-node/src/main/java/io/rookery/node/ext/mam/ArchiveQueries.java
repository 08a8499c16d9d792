package io.rookery.node.ext.mam;

import io.prometheus.metrics.core.metrics.Counter;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqRequest;
import io.rookery.persistence.mam.ArchiveStore;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xep.mam.Mam;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * XEP-0313 §4 queries and §6 metadata, answered from the {@link ArchiveStore} without touching the account's state.
 * Every filter becomes a range of ids in one partition: with picks the partition (the whole archive, a bare or a
 * full JID), start and end, after-id and before-id, RSM after and before narrow the range, a page reads max + 1
 * rows from one end of it (the extra row says whether the page is complete). The ids field reads those rows by key.
 * Nothing scans and nothing counts: RSM {@code <count/>} and {@code <index/>} are not offered.
 */
public final class ArchiveQueries {
    private static final Logger log = LoggerFactory.getLogger(ArchiveQueries.class);

    private final MamSettings settings;
    private final Supplier<ArchiveStore> store;
    private final Counter queries;
    private final Counter storeErrors;

    public ArchiveQueries(MamSettings settings, Supplier<ArchiveStore> store, Counter queries, Counter storeErrors) {
        this.settings = settings;
        this.store = store;
        this.queries = queries;
        this.storeErrors = storeErrors;
    }

    /** A query's ids, checked; the reason a query is refused. */
    private static final class Refused extends RuntimeException {
        final StanzaErrorCondition condition;

        Refused(StanzaErrorCondition condition) {
            super(null, null, false, false);
            this.condition = condition;
        }
    }

    IqOutcome query(IqRequest r) {
        return query(r, r.account().jid().toString());
    }

    /**
     * A query of the archive kept under owner (an account's bare JID, or a XEP-0045 room's); the requester is the
     * iq's sender, as the caller checked it may read that archive.
     */
    public IqOutcome query(IqRequest r, String owner) {
        Mam.Query q;
        try {
            q = Mam.parseQuery(r.payload());
        } catch (Mam.UnknownField e) {
            return refused(r, StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED);
        } catch (IllegalArgumentException e) {
            return refused(r, StanzaErrorCondition.BAD_REQUEST);
        }
        // No offsets: a page starts at an id or at an end.
        if (q.page().index() >= 0) return refused(r, StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED);
        // The ids field asks for at most a page's worth.
        if (q.ids().size() > settings.maxPageSize()) return refused(r, StanzaErrorCondition.NOT_ACCEPTABLE);
        if (q.page().after() != null && q.page().before() != null) return refused(r, StanzaErrorCondition.BAD_REQUEST);
        String requester = r.iq().attr("from");
        int max = q.page().max() < 0 ? settings.defaultPageSize() : Math.min(q.page().max(), settings.maxPageSize());
        long lo = 0;
        long hi = Long.MAX_VALUE;
        List<Long> named = new ArrayList<>();
        long afterId;
        long beforeId;
        long rsmAfter;
        long rsmBefore;
        List<Long> ids = new ArrayList<>();
        try {
            afterId = id(q.afterId(), named);
            beforeId = id(q.beforeId(), named);
            rsmAfter = id(q.page().after(), named);
            rsmBefore = q.page().before() == null || q.page().before().isEmpty() ? -1 : id(q.page().before(), named);
            for (String text : q.ids()) ids.add(id(text, named));
        } catch (Refused e) {
            return refused(r, e.condition);
        }
        if (q.start() != null) lo = Math.max(lo, ArchiveIds.atOrAfter(q.start()));
        if (q.end() != null) hi = Math.min(hi, ArchiveIds.atOrBefore(q.end()));
        if (afterId >= 0) lo = Math.max(lo, afterId + 1);
        if (rsmAfter >= 0) lo = Math.max(lo, rsmAfter + 1);
        if (beforeId >= 0) hi = Math.min(hi, beforeId - 1);
        if (rsmBefore >= 0) hi = Math.min(hi, rsmBefore - 1);
        long from = lo;
        long to = hi;
        boolean backward = q.page().backward();
        String view = q.with() == null ? ArchiveStore.ALL : q.with().toString();
        queries.labelValues(q.with() == null ? "all" : "with").inc();
        ArchiveStore archive = store.get();
        // §4.1.3, §4.3: every id the client names must be in the archive (a read of ids, not of messages).
        CompletionStage<Boolean> known = named.isEmpty() ? CompletableFuture.completedFuture(true)
                : archive.existing(owner, named).thenApply(found -> found.containsAll(named));
        CompletionStage<IqOutcome> answer = known.thenCompose(ok -> {
            if (!ok) return CompletableFuture.completedFuture(refused(r, StanzaErrorCondition.ITEM_NOT_FOUND));
            CompletionStage<List<ArchiveStore.Archived>> rows = !ids.isEmpty()
                    ? archive.byIds(owner, ids, settings.maxPageBytes())
                            .thenApply(found -> matching(found, q.with(), from, to, backward, max))
                    : archive.range(owner, view, from, to, backward, max + 1, settings.maxPageBytes());
            return rows.thenApply(page -> page(r, q, owner, requester, page, max, backward));
        });
        return IqOutcome.later(answer.exceptionally(failure -> {
            storeErrors.labelValues("query").inc();
            log.warn("mam-store-failed jid={} operation=query error={}", owner, failure.toString());
            return IqOutcome.error(r.iq(), StanzaErrorCondition.INTERNAL_SERVER_ERROR);
        }));
    }

    /** The rows read by id that match the other filters, in the order a range read would have returned them. */
    private static List<ArchiveStore.Archived> matching(List<ArchiveStore.Archived> found, Jid with, long from, long to,
            boolean backward, int max) {
        List<ArchiveStore.Archived> out = new ArrayList<>(found.size());
        for (ArchiveStore.Archived a : found) {
            if (a.id() < from || a.id() > to || !matches(a.peer(), with)) continue;
            out.add(a);
        }
        if (backward) Collections.reverse(out);
        return out.size() > max + 1 ? out.subList(0, max + 1) : out;
    }

    private static boolean matches(String peer, Jid with) {
        if (with == null) return true;
        if (with.isFull()) return with.toString().equals(peer);
        int slash = peer.indexOf('/');
        return with.toString().equals(slash < 0 ? peer : peer.substring(0, slash));
    }

    /** The results (chronological, or reversed for flip-page) before a fin that says whether more remain. */
    private IqOutcome page(IqRequest r, Mam.Query q, String owner, String requester, List<ArchiveStore.Archived> rows, int max,
            boolean backward) {
        // Rows come in read order (from the end the page starts at). A page of large messages ends once their XML
        // passes max-page-bytes (the first is always sent): it is then not complete.
        int keep = Math.min(rows.size(), max);
        long bytes = 0;
        for (int i = 0; i < keep; i++) {
            bytes += rows.get(i).stanzaXml().length();
            if (bytes > settings.maxPageBytes() && i > 0) {
                keep = i;
                break;
            }
        }
        boolean complete = rows.size() <= max && keep == rows.size();
        List<ArchiveStore.Archived> page = new ArrayList<>(rows.subList(0, keep));
        // Read from the end when paging backward; sent oldest first (§4.3) unless the client flips the page.
        if (backward != q.flipPage()) Collections.reverse(page);
        List<Element> results = new ArrayList<>(page.size());
        for (ArchiveStore.Archived a : page) {
            Element message;
            try {
                message = StoredXml.parse(a.stanzaXml());
            } catch (RuntimeException corrupt) {
                log.warn("mam-message-unreadable jid={} id={} error={}", owner, a.id(), corrupt.toString());
                continue;
            }
            results.add(Mam.result(requester, q.queryId(), Long.toString(a.id()), ArchiveIds.instant(a.id()), message));
        }
        String first = page.isEmpty() ? null : Long.toString(page.get(0).id());
        String last = page.isEmpty() ? null : Long.toString(page.get(page.size() - 1).id());
        return IqOutcome.replyAfter(results, Stanzas.iqResult(r.iq(), Mam.fin(complete, first, last)));
    }

    /** §6: the first and the last message of the whole archive. */
    IqOutcome metadata(IqRequest r) {
        String owner = r.account().jid().toString();
        ArchiveStore archive = store.get();
        CompletionStage<IqOutcome> answer = archive.range(owner, ArchiveStore.ALL, 0, Long.MAX_VALUE, false, 1)
                .thenCombine(archive.range(owner, ArchiveStore.ALL, 0, Long.MAX_VALUE, true, 1), (first, last) -> {
                    if (first.isEmpty() || last.isEmpty()) {
                        return IqOutcome.result(r.iq(), Mam.metadata(null, null, null, null));
                    }
                    long a = first.get(0).id();
                    long b = last.get(0).id();
                    return IqOutcome.result(r.iq(), Mam.metadata(Long.toString(a), ArchiveIds.instant(a),
                            Long.toString(b), ArchiveIds.instant(b)));
                });
        return IqOutcome.later(answer.exceptionally(failure -> {
            storeErrors.labelValues("metadata").inc();
            log.warn("mam-store-failed jid={} operation=metadata error={}", owner, failure.toString());
            return IqOutcome.error(r.iq(), StanzaErrorCondition.INTERNAL_SERVER_ERROR);
        }));
    }

    /** An id a client named, added to those that must exist; -1 when it named none; item-not-found when not ours. */
    private static long id(String text, List<Long> named) {
        if (text == null) return -1;
        long id = ArchiveIds.parse(text);
        if (id < 0) throw new Refused(StanzaErrorCondition.ITEM_NOT_FOUND);
        named.add(id);
        return id;
    }

    private IqOutcome refused(IqRequest r, StanzaErrorCondition condition) {
        queries.labelValues("refused").inc();
        return IqOutcome.error(r.iq(), condition);
    }

}
