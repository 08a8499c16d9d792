package io.rookery.node.ext.pep;

import io.rookery.node.ext.AccountView;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqRequest;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.privatexml.PrivateXmlModule;
import io.rookery.persistence.pep.PepNodeConfigured;
import io.rookery.persistence.privatexml.PrivateXmlStored;
import io.rookery.persistence.pubsub.ItemStore;
import io.rookery.persistence.user.UserEvent;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xep.pubsub.NodeConfig;
import io.rookery.protocol.xep.pubsub.PubSub;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * XEP-0402 §5.3: bookmarks kept in step between the {@code urn:xmpp:bookmarks:1} personal node and the XEP-0048
 * list in XEP-0049 private storage ({@code <storage xmlns='storage:bookmarks'/>}), so clients of either kind see the
 * same rooms. A publish or retraction on the node rewrites the private list from all the node's items (§5.3.1,
 * keeping the list's {@code <url/>} entries, which the node has no place for); a private list stored replaces the
 * node's items, publishing the changed ones and retracting the missing ones with notifications, none for unchanged
 * items (§5.3.2).
 */
final class BookmarksCompat {
    static final String NODE = "urn:xmpp:bookmarks:1";
    static final String LEGACY = "storage:bookmarks";
    /** XEP-0402 §5.3: announced on the account when the two are kept in step. */
    static final String FEATURE = NODE + "#compat";
    private static final String PRIVATE_KEY = "storage " + LEGACY;

    /** XEP-0402 §3.2's publish options, the node's configuration when it is created here. */
    private static final Map<String, List<String>> CONFIG = Map.of("pubsub#persist_items", List.of("true"),
            "pubsub#max_items", List.of("max"), "pubsub#send_last_published_item", List.of("never"),
            "pubsub#access_model", List.of("whitelist"));

    private final Pep pep;

    BookmarksCompat(Pep pep) {
        this.pep = pep;
    }

    /**
     * §5.3.1: the private list rewritten from the node's items, once a publish or retraction on it is stored; null
     * when the list would be larger than private storage takes in one set ({@link PrivateXmlModule#MAX_BYTES}): the
     * private list then keeps what it had.
     */
    CompletionStage<UserEvent> privateList(String service, List<Element> urls, int maxItems) {
        return pep.items().latest(service, NODE, maxItems).thenApply(items -> {
            Element.Builder storage = Element.builder("storage", LEGACY);
            // Oldest first, as the list was before.
            for (int i = items.size() - 1; i >= 0; i--) {
                Element conference = legacyConference(items.get(i));
                if (conference != null) storage.child(conference);
            }
            urls.forEach(storage::child);
            String xml = StoredXml.write(storage.build());
            if (xml.length() > PrivateXmlModule.MAX_BYTES / 4
                    && xml.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > PrivateXmlModule.MAX_BYTES) {
                return null;
            }
            return new PrivateXmlStored(PRIVATE_KEY, xml);
        });
    }

    /** §5.3.2: follows a private storage set that holds a bookmark list. */
    IqOutcome follow(IqRequest r, IqOutcome outcome) {
        if (r.type() != IqType.SET || outcome.later() != null || outcome.reply() == null
                || "error".equals(outcome.reply().attr("type"))) {
            return outcome;
        }
        Element storage = r.payload().child("storage", LEGACY);
        if (storage == null) return outcome;
        Map<String, String> wanted = new LinkedHashMap<>();
        for (Element c : storage.children("conference", LEGACY)) {
            String jid = bareJid(c.attr("jid"));
            if (jid != null && !PepRequests.tooLong(jid)) wanted.put(jid, StoredXml.write(nativeConference(c)));
        }
        AccountView account = r.account();
        HashMap<String, PepNode> nodes = account.part(PepModule.NODES);
        PepNode n = nodes == null ? null : nodes.get(NODE);
        List<UserEvent> events = new ArrayList<>(outcome.persist());
        if (n == null) {
            if (nodes != null && nodes.size() >= pep.settings.maxNodes()) return outcome;
            NodeConfig config = NodeConfig.PEP_DEFAULT.with(CONFIG, pep.settings.maxItems());
            n = new PepNode(config, Map.of());
            events.add(new PepNodeConfigured(NODE, config.toMap()));
        }
        PepNode node = n;
        int max = Math.min(node.config().maxItems(), pep.settings.maxItems());
        String service = account.jid().toString();
        String publisher = r.iq().attr("from");
        List<String> to = pep.recipients(account, NODE, node);
        CompletionStage<List<Element>> changed = pep.items().latest(service, NODE, max).thenCompose(current -> {
            Map<String, String> now = new HashMap<>();
            for (ItemStore.Item i : current) now.put(i.id(), i.payloadXml());
            List<CompletableFuture<?>> writes = new ArrayList<>();
            List<Element> notifications = new ArrayList<>();
            long at = System.currentTimeMillis();
            for (Map.Entry<String, String> w : wanted.entrySet()) {
                if (Objects.equals(now.get(w.getKey()), w.getValue())) continue;
                ItemStore.Item item = new ItemStore.Item(w.getKey(), publisher, at, w.getValue());
                writes.add(pep.items().publish(service, NODE, item, max).toCompletableFuture());
                notifications.add(PubSub.itemsEvent(NODE, List.of(Pep.itemElement(PubSub.EVENT, item,
                        node.config().deliverPayloads()))));
            }
            List<String> gone = new ArrayList<>();
            for (String id : now.keySet()) {
                if (!wanted.containsKey(id)) {
                    gone.add(id);
                    writes.add(pep.items().retract(service, NODE, id).toCompletableFuture());
                }
            }
            if (!gone.isEmpty() && node.config().notifyRetract()) notifications.add(PubSub.retractEvent(NODE, gone));
            return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(v -> notifications);
        });
        return IqOutcome.later(changed.handle((notifications, failure) -> {
            if (failure != null) {
                pep.storeErrors.inc();
                // The private list is stored all the same; the node catches up with the next change.
                return new IqOutcome(outcome.reply(), events, outcome.route()).withPushes(outcome.toResources());
            }
            List<Element> route = new ArrayList<>(outcome.route());
            List<HookOutcome.ToResource> mine = new ArrayList<>(outcome.toResources());
            for (Element event : notifications) pep.addressed(service, to, node, event, route, mine);
            return new IqOutcome(outcome.reply(), events, route).withPushes(mine);
        }));
    }

    /** The list's {@code <url/>} entries as the account stores them now (read on the account's thread). */
    static List<Element> urls(AccountView account) {
        LinkedHashMap<String, String> stored = account.part(PrivateXmlModule.ENTRIES);
        String xml = stored == null ? null : stored.get(PRIVATE_KEY);
        if (xml == null) return List.of();
        try {
            return StoredXml.parse(xml).children("url", LEGACY);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    /** A node item's {@code <conference xmlns='urn:xmpp:bookmarks:1'/>} in the XEP-0048 form, its id as jid. */
    private static Element legacyConference(ItemStore.Item item) {
        if (item.payloadXml() == null) return null;
        Element c;
        try {
            c = StoredXml.parse(item.payloadXml());
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!c.is("conference", NODE)) return null;
        Element.Builder b = Element.builder("conference", LEGACY).attr("jid", item.id());
        if (c.attr("name") != null) b.attr("name", c.attr("name"));
        if (c.attr("autojoin") != null) b.attr("autojoin", c.attr("autojoin"));
        for (String child : List.of("nick", "password")) {
            String text = c.childText(child, NODE);
            if (text != null) b.child(Element.builder(child, LEGACY).text(text).build());
        }
        return b.build();
    }

    /** A XEP-0048 conference in the XEP-0402 form (its jid becomes the item id). */
    private static Element nativeConference(Element c) {
        Element.Builder b = Element.builder("conference", NODE);
        if (c.attr("name") != null) b.attr("name", c.attr("name"));
        if (c.attr("autojoin") != null) b.attr("autojoin", c.attr("autojoin"));
        for (String child : List.of("nick", "password")) {
            String text = c.childText(child, LEGACY);
            if (text != null) b.child(Element.builder(child, NODE).text(text).build());
        }
        return b.build();
    }

    private static String bareJid(String jid) {
        if (jid == null) return null;
        try {
            return Jid.parse(jid).bare().toString();
        } catch (Exception e) {
            return null;
        }
    }
}
