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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One list of bookmarks in three places, kept in step: the XEP-0402 {@code urn:xmpp:bookmarks:1} personal node (an
 * item per room), the XEP-0048 list in XEP-0049 private storage ({@code <storage xmlns='storage:bookmarks'/>}), and
 * that list as the one item {@code current} of the XEP-0048 personal node {@code storage:bookmarks} (XEP-0411).
 * A change through any of them rewrites the other two: XEP-0402 §5.3 ({@code #compat}) and XEP-0411 §3, with
 * notifications to the resources that ask for them, none for an unchanged bookmark. The private list keeps its
 * {@code <url/>} entries, which the XEP-0402 node has no place for.
 */
final class BookmarksCompat {
    static final String NODE = "urn:xmpp:bookmarks:1";
    static final String LEGACY = "storage:bookmarks";
    /** XEP-0402 §5.3: announced on the account when the node and private storage are kept in step. */
    static final String FEATURE = NODE + "#compat";
    /** XEP-0411 §2. */
    static final String CONVERSION_FEATURE = "urn:xmpp:bookmarks-conversion:0";
    private static final String PRIVATE_KEY = "storage " + LEGACY;
    private static final String CURRENT = "current";

    /** XEP-0402 §3.2's publish options, the node's configuration when it is created here. */
    private static final Map<String, List<String>> NATIVE_CONFIG = Map.of("pubsub#persist_items", List.of("true"),
            "pubsub#max_items", List.of("max"), "pubsub#send_last_published_item", List.of("never"),
            "pubsub#access_model", List.of("whitelist"));
    /** XEP-0048 §3 / XEP-0223: one item, the owner alone (XEP-0411 §6). */
    private static final Map<String, List<String>> LEGACY_CONFIG = Map.of("pubsub#persist_items", List.of("true"),
            "pubsub#access_model", List.of("whitelist"));

    /** What a conversion adds to the answer: events for the account, notifications to send. */
    record Added(List<UserEvent> events, List<Element> route, List<HookOutcome.ToResource> mine) {
        static Added none() {
            return new Added(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    private final Pep pep;

    BookmarksCompat(Pep pep) {
        this.pep = pep;
    }

    /** One conversion's view of the account, taken on its thread: the stages run on the store's. */
    private final class Sync {
        final String service;
        final String publisher;
        final List<Element> urls;
        final PepNode nativeNode;
        final List<String> nativeTo;
        final PepNode legacyNode;
        final List<String> legacyTo;
        final Added added = Added.none();

        /** Reads the account; the nodes the conversion writes that do not exist yet are created with it. */
        Sync(AccountView account, String publisher, boolean toNative, boolean toLegacy) {
            this.service = account.jid().toString();
            this.publisher = publisher;
            this.urls = urls(account);
            HashMap<String, PepNode> nodes = account.part(PepModule.NODES);
            int free = pep.settings.maxNodes() - (nodes == null ? 0 : nodes.size());
            PepNode n = nodes == null ? null : nodes.get(NODE);
            if (toNative && n == null && free-- > 0) n = created(NODE, NATIVE_CONFIG);
            this.nativeNode = toNative ? n : null;
            PepNode l = nodes == null ? null : nodes.get(LEGACY);
            if (toLegacy && l == null && free > 0) l = created(LEGACY, LEGACY_CONFIG);
            // XEP-0411 §6: copied only into a node its owner alone may read.
            this.legacyNode = toLegacy && l != null
                    && l.config().accessModel() == NodeConfig.AccessModel.WHITELIST ? l : null;
            this.nativeTo = nativeNode == null ? List.of() : pep.recipients(account, NODE, nativeNode);
            this.legacyTo = legacyNode == null ? List.of() : pep.recipients(account, LEGACY, legacyNode);
        }

        private PepNode created(String name, Map<String, List<String>> config) {
            NodeConfig c = NodeConfig.PEP_DEFAULT.with(config, pep.settings.maxItems());
            added.events().add(new PepNodeConfigured(name, c.toMap()));
            return new PepNode(c, Map.of());
        }

        int nativeMax() {
            return Math.min(nativeNode.config().maxItems(), pep.settings.maxItems());
        }

        void notify(PepNode n, List<String> to, Element event) {
            pep.addressed(service, to, n, event, added.route(), added.mine());
        }
    }

    // ---- the three ways in --------------------------------------------------------------------------------------

    /**
     * A publish or retraction on the XEP-0402 node (XEP-0402 §5.3.1): prepared now, run once it is stored; the
     * private list and the XEP-0048 node are rewritten from all the node's items.
     */
    Function<Void, CompletionStage<Added>> afterNative(IqRequest r) {
        Sync s = new Sync(r.account(), r.iq().attr("from"), false, true);
        PepNode n = nodeOf(r.account(), NODE);
        int max = n == null ? pep.settings.maxItems() : Math.min(n.config().maxItems(), pep.settings.maxItems());
        return v -> pep.items().latest(s.service, NODE, max).thenCompose(items -> {
            Element.Builder storage = Element.builder("storage", LEGACY);
            // Oldest first, as the list was before.
            for (int i = items.size() - 1; i >= 0; i--) {
                Element conference = legacyConference(items.get(i));
                if (conference != null) storage.child(conference);
            }
            s.urls.forEach(storage::child);
            Element list = storage.build();
            keepPrivately(s, list);
            return toLegacyNode(s, list);
        }).thenApply(v2 -> s.added);
    }

    /** A publish on the XEP-0048 node (XEP-0411): its list goes to private storage and to the XEP-0402 node. */
    Function<Void, CompletionStage<Added>> afterLegacy(IqRequest r, Element payload) {
        Sync s = new Sync(r.account(), r.iq().attr("from"), true, false);
        Element list = payload != null && payload.is("storage", LEGACY) ? payload : null;
        return v -> {
            if (list == null) return CompletableFuture.completedFuture(s.added);
            keepPrivately(s, list);
            return toNativeNode(s, list).thenApply(v2 -> s.added);
        };
    }

    /** Follows a private storage set that holds a bookmark list (XEP-0402 §5.3.2, XEP-0411 §3). */
    IqOutcome follow(IqRequest r, IqOutcome outcome) {
        if (r.type() != IqType.SET || outcome.later() != null || outcome.reply() == null
                || "error".equals(outcome.reply().attr("type"))) {
            return outcome;
        }
        Element list = r.payload().child("storage", LEGACY);
        if (list == null) return outcome;
        Sync s = new Sync(r.account(), r.iq().attr("from"), true, true);
        CompletionStage<Void> both = toNativeNode(s, list).thenCompose(v -> toLegacyNode(s, list));
        return IqOutcome.later(both.handle((v, failure) -> {
            List<UserEvent> events = new ArrayList<>(outcome.persist());
            events.addAll(s.added.events());
            if (failure != null) {
                pep.storeErrors.inc();
                // The private list is stored all the same; the nodes catch up with the next change.
                return new IqOutcome(outcome.reply(), events, outcome.route()).withPushes(outcome.toResources());
            }
            List<Element> route = new ArrayList<>(outcome.route());
            route.addAll(s.added.route());
            List<HookOutcome.ToResource> mine = new ArrayList<>(outcome.toResources());
            mine.addAll(s.added.mine());
            return new IqOutcome(outcome.reply(), events, route).withPushes(mine);
        }));
    }

    // ---- the three ways out -------------------------------------------------------------------------------------

    /**
     * The list into private storage, unless larger than private storage takes in one set
     * ({@link PrivateXmlModule#MAX_BYTES}): it then keeps what it had.
     */
    private static void keepPrivately(Sync s, Element list) {
        String xml = StoredXml.write(list);
        if (xml.length() > PrivateXmlModule.MAX_BYTES / 4
                && xml.getBytes(StandardCharsets.UTF_8).length > PrivateXmlModule.MAX_BYTES) {
            return;
        }
        s.added.events().add(new PrivateXmlStored(PRIVATE_KEY, xml));
    }

    /** The list as the XEP-0048 node's one item, notified when it changed. */
    private CompletionStage<Void> toLegacyNode(Sync s, Element list) {
        if (s.legacyNode == null) return CompletableFuture.completedFuture(null);
        String xml = StoredXml.write(list);
        return pep.items().byIds(s.service, LEGACY, List.of(CURRENT)).thenCompose(now -> {
            if (!now.isEmpty() && xml.equals(now.get(0).payloadXml())) return CompletableFuture.completedFuture(null);
            ItemStore.Item item = new ItemStore.Item(CURRENT, s.publisher, System.currentTimeMillis(), xml);
            return pep.items().publish(s.service, LEGACY, item, 1).thenRun(() -> s.notify(s.legacyNode, s.legacyTo,
                    PubSub.itemsEvent(LEGACY, List.of(Pep.itemElement(PubSub.EVENT, item,
                            s.legacyNode.config().deliverPayloads())))));
        });
    }

    /** The list as the XEP-0402 node's items: the changed ones published, the missing ones retracted. */
    private CompletionStage<Void> toNativeNode(Sync s, Element list) {
        if (s.nativeNode == null) return CompletableFuture.completedFuture(null);
        Map<String, String> wanted = new LinkedHashMap<>();
        for (Element c : list.children("conference", LEGACY)) {
            String jid = bareJid(c.attr("jid"));
            if (jid != null && !PepRequests.tooLong(jid)) wanted.put(jid, StoredXml.write(nativeConference(c)));
        }
        int max = s.nativeMax();
        return pep.items().latest(s.service, NODE, max).thenCompose(current -> {
            Map<String, String> now = new HashMap<>();
            for (ItemStore.Item i : current) now.put(i.id(), i.payloadXml());
            List<CompletableFuture<?>> writes = new ArrayList<>();
            List<Element> events = new ArrayList<>();
            long at = System.currentTimeMillis();
            for (Map.Entry<String, String> w : wanted.entrySet()) {
                if (Objects.equals(now.get(w.getKey()), w.getValue())) continue;
                ItemStore.Item item = new ItemStore.Item(w.getKey(), s.publisher, at, w.getValue());
                writes.add(pep.items().publish(s.service, NODE, item, max).toCompletableFuture());
                events.add(PubSub.itemsEvent(NODE, List.of(Pep.itemElement(PubSub.EVENT, item,
                        s.nativeNode.config().deliverPayloads()))));
            }
            List<String> gone = new ArrayList<>();
            for (String id : now.keySet()) {
                if (!wanted.containsKey(id)) {
                    gone.add(id);
                    writes.add(pep.items().retract(s.service, NODE, id).toCompletableFuture());
                }
            }
            if (!gone.isEmpty() && s.nativeNode.config().notifyRetract()) events.add(PubSub.retractEvent(NODE, gone));
            return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                    .thenRun(() -> events.forEach(e -> s.notify(s.nativeNode, s.nativeTo, e)));
        });
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static PepNode nodeOf(AccountView account, String name) {
        HashMap<String, PepNode> nodes = account.part(PepModule.NODES);
        return nodes == null ? null : nodes.get(name);
    }

    /** The list's {@code <url/>} entries as the account stores them now (read on the account's thread). */
    private static List<Element> urls(AccountView account) {
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
