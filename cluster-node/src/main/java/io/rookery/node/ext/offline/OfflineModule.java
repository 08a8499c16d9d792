package io.rookery.node.ext.offline;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Hook;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.PartKey;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.node.limits.RateLimitedLog;
import io.rookery.persistence.offline.OfflineMessage;
import io.rookery.persistence.offline.OfflineMessageSpooled;
import io.rookery.persistence.offline.OfflineMessageStored;
import io.rookery.persistence.offline.OfflineMessagesDelivered;
import io.rookery.persistence.offline.OfflineSpool;
import io.rookery.persistence.offline.OfflineSpoolDelivered;
import io.rookery.persistence.offline.OfflineStore;
import io.rookery.persistence.user.ImEventsRegistrar;
import io.rookery.persistence.user.UserEvent;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xep.offline.Delay;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Node;
import io.rookery.protocol.xml.StoredXml;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages that find no resource are spooled with a XEP-0203 delay stamp, up to {@link OfflineSettings#maxMessages}
 * and {@link OfflineSettings#maxBytes} (then service-unavailable, XEP-0160 §3); they go to the first resource that
 * sends initial presence with a non-negative priority (or registers again, available), and are removed once handed
 * over.
 *
 * <p>The messages live in the {@link OfflineStore}, not in the account's state, which only counts them
 * ({@link OfflineSpool}): a full spool costs the entity a few bytes, and the snapshot stays tiny. A message is
 * written to the store first and counted in the journal once the store has it; a store failure bounces it to its
 * sender with internal-server-error. Delivery reads the store in batches of about
 * {@link OfflineSettings#deliveryBatchBytes}, sends a batch, records it delivered, deletes it, then reads the next.
 */
public final class OfflineModule implements XmppModule {
    public static final PartKey<OfflineSpool> QUEUE = new PartKey<>("offline");
    private static final Logger log = LoggerFactory.getLogger(OfflineModule.class);
    /** Messages in one delivery batch, whatever their size. */
    static final int MAX_BATCH_MESSAGES = 100;

    @Override
    public void declare(ModuleContext context, Declarations d) {
        OfflineSettings settings = OfflineSettings.from(context.root());
        Counter stored = Counter.builder().name("xmpp_offline_messages_stored_total")
                .help("Messages put into offline storage").register(context.metrics());
        Counter refused = Counter.builder().name("xmpp_offline_messages_refused_total")
                .help("Messages refused because the recipient's offline storage was full, by the limit reached")
                .labelNames("limit").register(context.metrics());
        Counter delivered = Counter.builder().name("xmpp_offline_messages_delivered_total")
                .help("Offline messages handed to a resource").register(context.metrics());
        Counter storeErrors = Counter.builder().name("xmpp_offline_store_errors_total")
                .help("Offline store operations that failed, by operation").labelNames("operation")
                .register(context.metrics());
        Histogram queueSize = Histogram.builder().name("xmpp_offline_queue_size")
                .help("Length of a user's offline queue after a message was stored").classicOnly()
                .classicUpperBounds(1, 5, 10, 50, 100, 500, 1000, 5000).register(context.metrics());
        RateLimitedLog fullLog = new RateLimitedLog();
        Spooler spooler = new Spooler(settings, () -> context.stores().get().offline(), delivered, storeErrors);
        d.implementsXep(Xep.xep(160, "1.0.1", "offline messages spooled outside the account's memory"))
                .implementsXep(Xep.xep(203, "2.0", "delay stamp on offline messages"))
                .kryoRegistrar(ImEventsRegistrar.class)
                .accountPart(QUEUE, new OfflinePart(), List.of(OfflineMessageStored.class,
                        OfflineMessagesDelivered.class, OfflineMessageSpooled.class, OfflineSpoolDelivered.class))
                .on(Hook.MESSAGE_UNDELIVERABLE, e -> {
                    OfflineSpool spool = e.account().part(QUEUE);
                    long count = spool == null ? 0 : spool.count();
                    long bytes = spool == null ? 0 : spool.bytes();
                    long now = context.clock().millis();
                    // A full queue refuses before the message is serialized (a flood is mostly refusals).
                    String xml = count >= settings.maxMessages() ? null
                            : StoredXml.write(withDelay(e.message(), context.domain(), now));
                    int size = xml == null ? 0 : utf8Length(xml);
                    String limit = xml == null ? "messages" : bytes + size > settings.maxBytes() ? "bytes" : null;
                    if (limit != null) {
                        refused.labelValues(limit).inc();
                        long events = fullLog.event(System.nanoTime());
                        if (events > 0) {
                            log.warn("offline-storage-full jid={} limit={} count={} bytes={} refused-since-last-line={}",
                                    e.account().jid(), limit, count, bytes, events);
                        }
                        // XEP-0160 §3: storage is full.
                        return HookOutcome.route(Stanzas.errorReply(e.message(),
                                StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE)));
                    }
                    // A fresh spool starts from the clock, so an account deleted and created again never reuses
                    // numbers whose rows were deleted.
                    long seq = spool == null || spool.next() == 0 ? now * 1000 : spool.next();
                    String user = e.account().jid().toString();
                    return HookOutcome.later(() -> spooler.store().put(user, seq, now, xml).handle((v, failure) -> {
                        if (failure != null) {
                            storeErrors.labelValues("put").inc();
                            log.warn("offline-store-failed jid={} operation=put error={}", user, failure.toString());
                            return HookOutcome.route(Stanzas.errorReply(e.message(),
                                    StanzaError.of(StanzaErrorCondition.INTERNAL_SERVER_ERROR)));
                        }
                        stored.inc();
                        queueSize.observe(count + 1);
                        return HookOutcome.persist(new OfflineMessageSpooled(seq, size));
                    }));
                })
                .on(Hook.OFFLINE_DELIVERY, e -> {
                    OfflineSpool spool = e.account().part(QUEUE);
                    if (spool == null || spool.count() == 0) return HookOutcome.NONE;
                    HookOutcome legacy = HookOutcome.NONE;
                    if (!spool.legacy().isEmpty()) {
                        List<HookOutcome.ToResource> out = new ArrayList<>(spool.legacy().size());
                        for (OfflineMessage m : spool.legacy()) {
                            out.add(new HookOutcome.ToResource(e.resource(), StoredXml.parse(m.stanzaXml())));
                        }
                        delivered.inc(out.size());
                        legacy = new HookOutcome(out, List.of(), List.of(new OfflineMessagesDelivered(out.size())));
                    }
                    if (spool.next() == spool.first()) return legacy;
                    String user = e.account().jid().toString();
                    return legacy.andThen(() -> spooler.deliver(user, e.resource(), spool));
                })
                .on(Hook.ACCOUNT_DELETED, e -> {
                    if (e.account().part(QUEUE) == null) return HookOutcome.NONE;
                    String user = e.account().jid().toString();
                    return HookOutcome.later(() -> spooler.store().removeAll(user).handle((v, failure) -> {
                        if (failure != null) storeErrors.labelValues("remove-all").inc();
                        return HookOutcome.NONE;
                    }));
                });
    }

    /** Reading, handing over and deleting a spool, one batch at a time. */
    record Spooler(OfflineSettings settings, java.util.function.Supplier<OfflineStore> stores, Counter delivered,
            Counter storeErrors) {
        OfflineStore store() {
            return stores.get();
        }

        CompletionStage<HookOutcome> deliver(String user, String resource, OfflineSpool spool) {
            long stored = spool.next() - spool.first();
            long average = Math.max(1, spool.bytes() / Math.max(1, stored));
            int batch = (int) Math.max(1, Math.min(MAX_BATCH_MESSAGES, settings.deliveryBatchBytes() / average));
            return batch(user, resource, spool.first(), spool.next() - 1, batch);
        }

        private CompletionStage<HookOutcome> batch(String user, String resource, long from, long last, int limit) {
            return store().read(user, from, last, limit).thenApply(rows -> {
                if (rows.isEmpty()) {
                    // Rows the store lost: nothing to hand over, the range is done.
                    return HookOutcome.persist(new OfflineSpoolDelivered(last, 0));
                }
                List<HookOutcome.ToResource> out = new ArrayList<>(rows.size());
                long bytes = 0;
                for (OfflineStore.Spooled row : rows) {
                    bytes += utf8Length(row.stanzaXml());
                    try {
                        out.add(new HookOutcome.ToResource(resource, StoredXml.parse(row.stanzaXml())));
                    } catch (RuntimeException corrupt) {
                        log.warn("offline-message-unreadable jid={} seq={} error={}", user, row.seq(), corrupt.toString());
                    }
                }
                delivered.inc(out.size());
                long upTo = rows.get(rows.size() - 1).seq();
                HookOutcome sent = new HookOutcome(out, List.of(), List.<UserEvent>of(new OfflineSpoolDelivered(upTo, bytes)));
                // Once the batch is recorded delivered: delete it, then the next batch.
                return sent.andThen(() -> store().remove(user, from, upTo).handle((v, failure) -> {
                    if (failure != null) {
                        storeErrors.labelValues("remove").inc();
                        log.warn("offline-store-failed jid={} operation=remove error={}", user, failure.toString());
                    }
                    return null;
                }).thenCompose(v -> upTo < last ? batch(user, resource, upTo + 1, last, limit)
                        : CompletableFuture.completedFuture(HookOutcome.NONE)));
            });
        }
    }

    /**
     * XEP-0203: when the server received it. A message that was stored already (handed back by a session that could
     * not write it) keeps its first stamp.
     */
    static Element withDelay(Element stanza, String domain, long millis) {
        for (Element child : stanza.children("delay", Delay.NS)) {
            if (domain.equals(child.attr("from"))) return stanza;
        }
        List<Node> children = new ArrayList<>(stanza.children());
        children.add(Element.builder("delay", Delay.NS).attr("from", domain)
                .attr("stamp", Instant.ofEpochMilli(millis).toString()).build());
        return stanza.withChildren(children);
    }

    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
