package io.rookery.node.ext.pep;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rookery.node.ext.AccountView;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.ModuleStores;
import io.rookery.node.ext.StanzaSink;
import io.rookery.persistence.pubsub.ItemStore;
import io.rookery.persistence.roster.RosterItem;
import io.rookery.persistence.roster.Subscription;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.caps.Caps;
import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xep.pubsub.NodeConfig;
import io.rookery.protocol.xep.pubsub.PubSub;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** The personal service's shared workings: who is notified of a node, and what is sent when presence arrives. */
final class Pep {
    /** The id prefix of the disco#info requests sent in the account's name; the hash follows it. */
    static final String CAPS_QUERY_ID = "pep-caps-";
    /** The most full JIDs one account watches; presence beyond them gets no notifications. */
    static final int MAX_WATCHERS = 10_000;

    final PepSettings settings;
    private final Interest interest;
    private final Supplier<ModuleStores> stores;
    private final Supplier<StanzaSink> router;
    final Counter published;
    final Counter notifications;
    private final Counter capsQueries;
    final Counter storeErrors;

    Pep(PepSettings settings, Interest interest, Supplier<ModuleStores> stores, Supplier<StanzaSink> router,
            PrometheusRegistry metrics) {
        this.settings = settings;
        this.interest = interest;
        this.stores = stores;
        this.router = router;
        this.published = Counter.builder().name("xmpp_pep_published_total")
                .help("Items published to personal (XEP-0163) nodes").register(metrics);
        this.notifications = Counter.builder().name("xmpp_pep_notifications_total")
                .help("Personal node notifications sent (publish, retract, delete, purge, last item at presence)")
                .register(metrics);
        this.capsQueries = Counter.builder().name("xmpp_pep_caps_queries_total")
                .help("XEP-0115 disco#info requests sent to learn a capability hash").register(metrics);
        this.storeErrors = Counter.builder().name("xmpp_pep_store_errors_total")
                .help("Personal node item reads and writes that failed").register(metrics);
    }

    ItemStore items() {
        return stores.get().items();
    }

    void route(Element stanza) {
        router.get().route(stanza);
    }

    /**
     * Available or unavailable presence of a full JID reached the account (one of its own resources or a contact):
     * it starts, changes or stops watching. A new hash is either known (the last items of the nodes it asks for are
     * sent) or asked about.
     */
    HookOutcome presence(AccountView account, String fullJid, Element presence) {
        if (fullJid == null) return HookOutcome.NONE;
        if ("unavailable".equals(presence.attr("type"))) {
            Watchers w = account.memo(PepModule.WATCHERS, null);
            if (w != null) w.remove(fullJid);
            return HookOutcome.NONE;
        }
        Element c = presence.child("c", Caps.NS);
        String ver = c != null && "sha-1".equals(c.attr("hash")) && c.attr("ver") != null ? c.attr("ver") : "";
        Set<String> wanted = ver.isEmpty() ? Set.of() : interest.notify(ver);
        if (wanted != null && wanted.isEmpty()) {
            // Asks for no notifications: nothing to keep for it (most sessions of clients without PEP features).
            Watchers w = account.memo(PepModule.WATCHERS, null);
            if (w != null) w.remove(fullJid);
            return HookOutcome.NONE;
        }
        Watchers w = account.memo(PepModule.WATCHERS, Watchers::new);
        if (w.size() >= MAX_WATCHERS && !w.contains(fullJid)) return HookOutcome.NONE;
        String before = w.put(fullJid, ver);
        if (ver.equals(before)) return HookOutcome.NONE;
        if (wanted != null) {
            sendLast(account, fullJid, wanted);
            return HookOutcome.NONE;
        }
        if (!interest.ask(ver, System.nanoTime())) return HookOutcome.NONE;
        capsQueries.inc();
        // XEP-0115 §6.2: asked at node#ver; the answer comes back to the bare JID (Hook.IQ_RESPONSE).
        Element query = Element.builder("query", Disco.INFO).attr("node", c.attr("node") + "#" + ver).build();
        return HookOutcome.route(Element.builder("iq", Namespaces.CLIENT).attr("type", "get")
                .attr("id", CAPS_QUERY_ID + ver).attr("from", account.jid().toString()).attr("to", fullJid)
                .child(query).build());
    }

    /**
     * A client answered a capability query: the hash is learned when the answer hashes to it (XEP-0115 §5.4), then
     * every watcher of the account with that hash gets the last items it asks for.
     */
    HookOutcome answered(AccountView account, Element iq) {
        String id = iq.attr("id");
        if (id == null || !id.startsWith(CAPS_QUERY_ID)) return HookOutcome.NONE;
        String ver = id.substring(CAPS_QUERY_ID.length());
        Element query = iq.child("query", Disco.INFO);
        if (!"result".equals(iq.attr("type")) || query == null) return HookOutcome.NONE;
        if (!ver.equals(Caps.verOf(query))) return HookOutcome.NONE; // §5.4 step 7: not cached
        List<String> features = new ArrayList<>();
        for (Element f : query.children("feature", Disco.INFO)) {
            if (f.attr("var") != null) features.add(f.attr("var"));
        }
        interest.learned(ver, features);
        Set<String> wanted = interest.notify(ver);
        Watchers w = account.memo(PepModule.WATCHERS, null);
        if (w == null || wanted == null) return HookOutcome.NONE;
        List<String> withVer = new ArrayList<>();
        for (Map.Entry<String, String> e : w.all()) if (ver.equals(e.getValue())) withVer.add(e.getKey());
        for (String jid : withVer) {
            // No interest: forgotten, as presence() does for a hash it knows.
            if (wanted.isEmpty()) w.remove(jid);
            else sendLast(account, jid, wanted);
        }
        return HookOutcome.NONE;
    }

    /** The account is gone: so are its nodes' items (its nodes went with its journal). */
    HookOutcome deleted(AccountView account) {
        HashMap<String, PepNode> nodes = account.part(PepModule.NODES);
        if (nodes == null) return HookOutcome.NONE;
        String service = account.jid().toString();
        List<String> names = List.copyOf(nodes.keySet());
        return HookOutcome.later(() -> {
            java.util.concurrent.CompletableFuture<?>[] purges = names.stream()
                    .map(node -> items().purge(service, node).toCompletableFuture())
                    .toArray(java.util.concurrent.CompletableFuture[]::new);
            return java.util.concurrent.CompletableFuture.allOf(purges).thenApply(v -> HookOutcome.NONE);
        });
    }

    /** XEP-0163 §4.3.2 (and XEP-0060 §6.1.7): the last item of each node the full JID asks for and may see. */
    private void sendLast(AccountView account, String fullJid, Set<String> wanted) {
        HashMap<String, PepNode> nodes = account.part(PepModule.NODES);
        if (nodes == null || wanted.isEmpty()) return;
        String service = account.jid().toString();
        String bare = bareOf(fullJid);
        for (String node : wanted) {
            PepNode n = nodes.get(node);
            if (n == null || n.config().sendLastPublishedItem() != NodeConfig.SendLast.ON_SUB_AND_PRESENCE
                    || !n.config().deliverNotifications() || !mayRead(account, n, bare)) {
                continue;
            }
            items().latest(service, node, 1).whenComplete((items, failure) -> {
                if (failure != null) {
                    storeErrors.inc();
                    return;
                }
                if (items.isEmpty()) return;
                notifications.inc();
                route(PubSub.message(service, fullJid, n.config().notificationType(),
                        PubSub.itemsEvent(node, List.of(itemElement(PubSub.EVENT, items.get(0),
                                n.config().deliverPayloads())))));
            });
        }
    }

    /**
     * The full JIDs to notify of an event on the node: the watchers whose capabilities ask for it and who may read
     * it (the user's own resources always may).
     */
    List<String> recipients(AccountView account, String node, PepNode n) {
        Watchers w = account.memo(PepModule.WATCHERS, null);
        if (w == null || !n.config().deliverNotifications()) return List.of();
        List<String> out = new ArrayList<>();
        String own = account.jid().toString();
        for (Map.Entry<String, String> e : w.all()) {
            Set<String> wanted = e.getValue().isEmpty() ? null : interest.notify(e.getValue());
            if (wanted == null || !wanted.contains(node)) continue;
            String bare = bareOf(e.getKey());
            if (own.equals(bare) || mayRead(account, n, bare)) out.add(e.getKey());
        }
        return out;
    }

    /**
     * One notification addressed to each recipient: the user's own resources through the account (into
     * {@code mine}), everyone else through the router (into {@code route}).
     */
    void addressed(String service, List<String> to, PepNode n, Element event, List<Element> route,
            List<HookOutcome.ToResource> mine) {
        String own = service + "/";
        for (String jid : to) {
            Element m = PubSub.message(service, jid, n.config().notificationType(), event);
            if (jid.startsWith(own)) mine.add(new HookOutcome.ToResource(jid.substring(own.length()), m));
            else route.add(m);
        }
        notifications.inc(to.size());
    }

    /** XEP-0060 §4.5 access models, judged from the owner's roster and the node's affiliations. */
    static boolean mayRead(AccountView account, PepNode n, String bareJid) {
        if (bareJid == null) return false;
        if (bareJid.equals(account.jid().toString())) return true;
        String affiliation = n.affiliation(bareJid);
        if ("outcast".equals(affiliation)) return false;
        if ("member".equals(affiliation) || "publisher".equals(affiliation) || "owner".equals(affiliation)) {
            return true;
        }
        return switch (n.config().accessModel()) {
            case OPEN -> true;
            case PRESENCE -> {
                RosterItem item = account.rosterItem(bareJid);
                yield item != null && (item.subscription() == Subscription.FROM
                        || item.subscription() == Subscription.BOTH);
            }
            case ROSTER -> {
                RosterItem item = account.rosterItem(bareJid);
                yield item != null && item.groups().stream().anyMatch(n.config().rosterGroups()::contains);
            }
            case WHITELIST -> false;
        };
    }

    /** An item as a retrieval or notification carries it (namespace {@code #event} or the pubsub one). */
    static Element itemElement(String namespace, ItemStore.Item item, boolean payload) {
        Element content = payload && item.payloadXml() != null ? StoredXml.parse(item.payloadXml()) : null;
        return PubSub.item(namespace, item.id(), null, content);
    }

    static String bareOf(String jid) {
        if (jid == null) return null;
        try {
            return Jid.parse(jid).bare().toString();
        } catch (InvalidJidException e) {
            return null;
        }
    }
}
