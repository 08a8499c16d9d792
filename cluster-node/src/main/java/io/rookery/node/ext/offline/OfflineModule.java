package io.rookery.node.ext.offline;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.rookery.node.ext.BoundResource;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Hook;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.PartKey;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.persistence.offline.OfflineMessage;
import io.rookery.persistence.offline.OfflineMessageStored;
import io.rookery.persistence.offline.OfflineMessagesDelivered;
import io.rookery.persistence.user.ImEventsRegistrar;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xep.offline.Delay;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Node;
import io.rookery.protocol.xml.StoredXml;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Messages that find no resource are stored in the account's journal with a XEP-0203 delay stamp, up to
 * {@link OfflineSettings#maxMessages} (then service-unavailable, XEP-0160 §3); they go to the first resource that
 * sends initial presence with a non-negative priority (or registers again, available), and are removed once
 * handed over.
 */
public final class OfflineModule implements XmppModule {
    public static final PartKey<ArrayDeque<OfflineMessage>> QUEUE = new PartKey<>("offline");

    @Override
    public void declare(ModuleContext context, Declarations d) {
        OfflineSettings settings = OfflineSettings.from(context.root());
        Counter stored = Counter.builder().name("xmpp_offline_messages_stored_total")
                .help("Messages put into offline storage").register(context.metrics());
        Histogram queueSize = Histogram.builder().name("xmpp_offline_queue_size")
                .help("Length of a user's offline queue after a message was stored").classicOnly()
                .classicUpperBounds(1, 5, 10, 50, 100, 500, 1000, 5000).register(context.metrics());
        d.implementsXep(Xep.xep(160, "1.0.1", "offline messages stored in the user's journal"))
                .implementsXep(Xep.xep(203, "2.0", "delay stamp on offline messages"))
                .kryoRegistrar(ImEventsRegistrar.class)
                .accountPart(QUEUE, new OfflinePart(),
                        List.of(OfflineMessageStored.class, OfflineMessagesDelivered.class))
                .on(Hook.MESSAGE_UNDELIVERABLE, e -> {
                    ArrayDeque<OfflineMessage> queue = e.account().part(QUEUE);
                    int length = queue == null ? 0 : queue.size();
                    if (length >= settings.maxMessages()) {
                        // XEP-0160 §3: storage is full.
                        return HookOutcome.route(Stanzas.errorReply(e.message(),
                                StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE)));
                    }
                    long now = context.clock().millis();
                    stored.inc();
                    queueSize.observe(length + 1);
                    Element stamped = withDelay(e.message(), context.domain(), now);
                    return HookOutcome.persist(new OfflineMessageStored(new OfflineMessage(StoredXml.write(stamped),
                            now)));
                })
                .on(Hook.OFFLINE_DELIVERY, e -> {
                    ArrayDeque<OfflineMessage> queue = e.account().part(QUEUE);
                    if (queue == null || queue.isEmpty()) return HookOutcome.NONE;
                    List<HookOutcome.ToResource> out = new ArrayList<>(queue.size());
                    for (OfflineMessage m : queue) {
                        out.add(new HookOutcome.ToResource(e.resource(), StoredXml.parse(m.stanzaXml())));
                    }
                    return new HookOutcome(out, List.of(), List.of(new OfflineMessagesDelivered(out.size())));
                });
    }

    /** XEP-0203: when the server received it. */
    private static Element withDelay(Element stanza, String domain, long millis) {
        List<Node> children = new ArrayList<>(stanza.children());
        children.add(Element.builder("delay", Delay.NS).attr("from", domain)
                .attr("stamp", Instant.ofEpochMilli(millis).toString()).build());
        return stanza.withChildren(children);
    }
}
