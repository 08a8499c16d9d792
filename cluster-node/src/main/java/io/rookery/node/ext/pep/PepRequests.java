package io.rookery.node.ext.pep;

import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqRequest;
import io.rookery.node.ext.IqType;
import io.rookery.persistence.pep.PepAffiliationsSet;
import io.rookery.persistence.pep.PepNodeConfigured;
import io.rookery.persistence.pep.PepNodeDeleted;
import io.rookery.persistence.pubsub.ItemStore;
import io.rookery.persistence.user.UserEvent;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xep.dataforms.DataForm;
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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The XEP-0060 requests a personal service answers: the user's own ({@code #pubsub}: publish, retract, create,
 * items; {@code #owner}: configure, default, delete, purge, affiliations) and a contact's item retrieval. Each
 * checks against the account's nodes now and, when it reads or writes items, answers once the store is done.
 */
final class PepRequests {
    private final Pep pep;
    private final BookmarksCompat bookmarks;
    private final AvatarConversion avatars;

    PepRequests(Pep pep, BookmarksCompat bookmarks, AvatarConversion avatars) {
        this.pep = pep;
        this.bookmarks = bookmarks;
        this.avatars = avatars;
    }

    /**
     * What else changes once a change to the node is stored (prepared now, on the account's thread): for the
     * bookmark nodes, the other places the bookmarks are kept ({@link BookmarksCompat}); for the avatar metadata
     * node, the vCard's photo ({@link AvatarConversion}).
     */
    private java.util.function.Function<Void, CompletionStage<BookmarksCompat.Added>> compat(IqRequest r,
            String node, Element payload) {
        if (BookmarksCompat.NODE.equals(node)) return bookmarks.afterNative(r);
        if (BookmarksCompat.LEGACY.equals(node)) return bookmarks.afterLegacy(r, payload);
        if (AvatarConversion.METADATA.equals(node) && payload != null) return avatars.afterMetadata(r, payload);
        return v -> CompletableFuture.completedFuture(BookmarksCompat.Added.none());
    }

    /** The user's own {@code <pubsub xmlns='…pubsub'/>}. */
    IqOutcome own(IqRequest r) {
        Element pubsub = r.payload();
        Element action = first(pubsub);
        if (action == null) return bad(r, null);
        boolean set = r.type() == IqType.SET;
        return switch (action.name()) {
            case "publish" -> set ? publish(r, action, pubsub.child("publish-options", PubSub.NS)) : bad(r, null);
            case "retract" -> set ? retract(r, action) : bad(r, null);
            case "create" -> set ? create(r, action, pubsub.child("configure", PubSub.NS)) : bad(r, null);
            case "items" -> set ? bad(r, null) : items(r, action);
            case "subscriptions" -> set ? bad(r, null) : IqOutcome.result(r.iq(),
                    Element.builder("pubsub", PubSub.NS).child(Element.of("subscriptions", PubSub.NS)).build());
            case "affiliations" -> set ? bad(r, null) : ownAffiliations(r);
            default -> unsupported(r, action.name());
        };
    }

    /** A contact's request to the user's personal service: item retrieval only. */
    IqOutcome other(IqRequest r) {
        Element action = first(r.payload());
        if (action == null) return bad(r, null);
        if (r.type() == IqType.GET && "items".equals(action.name())) return items(r, action);
        if (r.type() == IqType.SET && ("publish".equals(action.name()) || "retract".equals(action.name())
                || "create".equals(action.name()))) {
            // XEP-0163 §3: only the account publishes to its own nodes.
            return error(r, StanzaErrorCondition.FORBIDDEN, null, null);
        }
        return unsupported(r, action.name());
    }

    /** The user's own {@code <pubsub xmlns='…pubsub#owner'/>}. */
    IqOutcome owner(IqRequest r) {
        Element action = first(r.payload());
        if (action == null) return bad(r, null);
        boolean set = r.type() == IqType.SET;
        if ("default".equals(action.name()) && !set) {
            return IqOutcome.result(r.iq(), Element.builder("pubsub", PubSub.OWNER).child(
                    Element.builder("default", PubSub.OWNER).child(NodeConfig.PEP_DEFAULT.form()).build()).build());
        }
        String node = action.attr("node");
        if (node == null) return bad(r, "nodeid-required");
        PepNode n = node(r, node);
        if (n == null) return error(r, StanzaErrorCondition.ITEM_NOT_FOUND, null, null);
        return switch (action.name()) {
            case "configure" -> set ? configure(r, node, n, action) : IqOutcome.result(r.iq(),
                    Element.builder("pubsub", PubSub.OWNER).child(Element.builder("configure", PubSub.OWNER)
                            .attr("node", node).child(n.config().form()).build()).build());
            case "delete" -> set ? delete(r, node, n) : bad(r, null);
            case "purge" -> set ? purge(r, node, n) : bad(r, null);
            case "affiliations" -> set ? setAffiliations(r, node, action) : affiliations(r, node, n);
            default -> unsupported(r, action.name());
        };
    }

    // ---- publisher use cases (§7) -----------------------------------------------------------------------------

    private IqOutcome publish(IqRequest r, Element publish, Element options) {
        String node = publish.attr("node");
        if (node == null || node.isEmpty()) return bad(r, "nodeid-required");
        if (tooLong(node)) return error(r, StanzaErrorCondition.NOT_ACCEPTABLE, null, null);
        List<Element> items = publish.children("item", PubSub.NS);
        // §7.1.3.6: one item per publish here; its payload is one element.
        if (items.size() != 1) return bad(r, items.isEmpty() ? "item-required" : "invalid-payload");
        Element item = items.get(0);
        if (item.elements().size() > 1) return bad(r, "invalid-payload");
        Element payload = item.elements().isEmpty() ? null : item.elements().get(0);
        String payloadXml = payload == null ? null : StoredXml.write(payload);
        if (payloadXml != null && payloadXml.getBytes(StandardCharsets.UTF_8).length > pep.settings.maxItemBytes()) {
            return error(r, StanzaErrorCondition.NOT_ACCEPTABLE, "payload-too-big", null);
        }
        Map<String, List<String>> asked;
        try {
            asked = options == null ? null : DataForm.submitted(options);
        } catch (IllegalArgumentException e) {
            return bad(r, null);
        }
        PepNode n = node(r, node);
        List<UserEvent> events = new ArrayList<>(1);
        if (n == null) {
            HashMap<String, PepNode> nodes = r.account().part(PepModule.NODES);
            if (nodes != null && nodes.size() >= pep.settings.maxNodes()) {
                return error(r, StanzaErrorCondition.NOT_ALLOWED, null, null);
            }
            NodeConfig config;
            try {
                // XEP-0163 §3 auto-create; §7.1.5: with the publish options as its configuration.
                config = NodeConfig.PEP_DEFAULT.with(withoutFormType(asked), pep.settings.maxItems());
            } catch (IllegalArgumentException e) {
                return error(r, StanzaErrorCondition.CONFLICT, "precondition-not-met", null);
            }
            n = new PepNode(config, Map.of());
            events.add(new PepNodeConfigured(node, config.toMap()));
        } else if (asked != null && n.config().unmet(asked, pep.settings.maxItems()) != null) {
            return error(r, StanzaErrorCondition.CONFLICT, "precondition-not-met", null);
        }
        if (payload == null && n.config().deliverPayloads()) return bad(r, "payload-required");
        String id = item.attr("id") == null || item.attr("id").isEmpty() ? UUID.randomUUID().toString()
                : item.attr("id");
        if (tooLong(id)) return error(r, StanzaErrorCondition.NOT_ACCEPTABLE, null, null);
        ItemStore.Item stored = new ItemStore.Item(id, r.iq().attr("from"), System.currentTimeMillis(), payloadXml);
        Element reply = Stanzas.iqResult(r.iq(), Element.builder("pubsub", PubSub.NS).child(
                Element.builder("publish", PubSub.NS).attr("node", node)
                        .child(Element.builder("item", PubSub.NS).attr("id", id).build()).build()).build());
        PepNode node0 = n;
        List<String> to = pep.recipients(r.account(), node, n);
        Element event = PubSub.itemsEvent(node, List.of(Pep.itemElement(PubSub.EVENT, stored,
                n.config().deliverPayloads())));
        CompletionStage<Void> kept = n.config().persistItems()
                ? pep.items().publish(r.account().jid().toString(), node, stored, maxItems(node0))
                : java.util.concurrent.CompletableFuture.completedFuture(null);
        var also = compat(r, node, payload);
        return IqOutcome.later(kept.thenCompose(also).handle((added, failure) -> {
            if (failure != null) {
                pep.storeErrors.inc();
                return IqOutcome.error(r.iq(), StanzaErrorCondition.INTERNAL_SERVER_ERROR);
            }
            pep.published.inc();
            return notify(r, reply, events, node0, to, event, added);
        }));
    }

    private IqOutcome retract(IqRequest r, Element retract) {
        String node = retract.attr("node");
        if (node == null) return bad(r, "nodeid-required");
        List<Element> items = retract.children("item", PubSub.NS);
        if (items.size() != 1 || items.get(0).attr("id") == null) return bad(r, "item-required");
        String id = items.get(0).attr("id");
        PepNode n = node(r, node);
        if (n == null) return error(r, StanzaErrorCondition.ITEM_NOT_FOUND, null, null);
        // §7.2.2.1: the retraction is notified when the request asks it to.
        String notifyAttr = retract.attr("notify");
        boolean notify = "1".equals(notifyAttr) || "true".equals(notifyAttr);
        List<String> to = notify ? pep.recipients(r.account(), node, n) : List.of();
        CompletionStage<Boolean> retracted = pep.items().retract(r.account().jid().toString(), node, id);
        var also = compat(r, node, null);
        return IqOutcome.later(retracted.thenCompose(found -> !found
                ? CompletableFuture.completedFuture((BookmarksCompat.Added) null)
                : also.apply(null)).handle((added, f) -> {
            if (f != null) {
                pep.storeErrors.inc();
                return IqOutcome.error(r.iq(), StanzaErrorCondition.INTERNAL_SERVER_ERROR);
            }
            if (added == null) return error(r, StanzaErrorCondition.ITEM_NOT_FOUND, null, null);
            return notify(r, Stanzas.iqResult(r.iq(), null), List.of(), n, to,
                    PubSub.retractEvent(node, List.of(id)), added);
        }));
    }

    private IqOutcome create(IqRequest r, Element create, Element configure) {
        String node = create.attr("node");
        // §8.1.2 instant nodes are for services; a personal node is named for its payload (XEP-0163 §3).
        if (node == null || node.isEmpty()) return error(r, StanzaErrorCondition.NOT_ACCEPTABLE, "nodeid-required",
                null);
        if (tooLong(node)) return error(r, StanzaErrorCondition.NOT_ACCEPTABLE, null, null);
        if (node(r, node) != null) return error(r, StanzaErrorCondition.CONFLICT, null, null);
        HashMap<String, PepNode> nodes = r.account().part(PepModule.NODES);
        if (nodes != null && nodes.size() >= pep.settings.maxNodes()) {
            return error(r, StanzaErrorCondition.NOT_ALLOWED, null, null);
        }
        NodeConfig config;
        try {
            Map<String, List<String>> form = configure == null ? null : DataForm.submitted(configure);
            config = NodeConfig.PEP_DEFAULT.with(withoutFormType(form), pep.settings.maxItems());
        } catch (IllegalArgumentException e) {
            return error(r, StanzaErrorCondition.NOT_ACCEPTABLE, null, null);
        }
        return IqOutcome.persisting(Stanzas.iqResult(r.iq(), null), new PepNodeConfigured(node, config.toMap()));
    }

    /** §6.5: all items (up to max-items-per-request), the newest max_items, or those with the ids asked. */
    private IqOutcome items(IqRequest r, Element items) {
        String node = items.attr("node");
        if (node == null) return bad(r, "nodeid-required");
        PepNode n = node(r, node);
        if (n == null) return error(r, StanzaErrorCondition.ITEM_NOT_FOUND, null, null);
        String requester = Pep.bareOf(r.iq().attr("from"));
        if (!Pep.mayRead(r.account(), n, requester)) return refusedAccess(r, n);
        List<String> ids = new ArrayList<>();
        for (Element i : items.children("item", PubSub.NS)) {
            if (i.attr("id") != null) ids.add(i.attr("id"));
        }
        // What the node keeps at most: a large node may hold a few over its limit until the store trims it.
        int limit = Math.min(pep.settings.maxItemsPerRequest(), maxItems(n));
        String max = items.attr("max_items");
        if (max != null) {
            try {
                limit = Math.min(limit, Integer.parseInt(max.trim()));
            } catch (NumberFormatException e) {
                return bad(r, null);
            }
            if (limit < 0) return bad(r, null);
        }
        String service = r.account().jid().toString();
        CompletionStage<List<ItemStore.Item>> read = ids.isEmpty() ? pep.items().latest(service, node, limit)
                : pep.items().byIds(service, node, ids);
        return IqOutcome.later(read.handle((found, f) -> {
            if (f != null) {
                pep.storeErrors.inc();
                return IqOutcome.error(r.iq(), StanzaErrorCondition.INTERNAL_SERVER_ERROR);
            }
            Element.Builder out = Element.builder("items", PubSub.NS).attr("node", node);
            // Oldest first (the store gives the newest first).
            List<ItemStore.Item> ordered = ids.isEmpty() ? reversed(found) : found;
            for (ItemStore.Item i : ordered) out.child(Pep.itemElement(PubSub.NS, i, true));
            return IqOutcome.result(r.iq(), Element.builder("pubsub", PubSub.NS).child(out.build()).build());
        }));
    }

    // ---- owner use cases (§8) ---------------------------------------------------------------------------------

    private IqOutcome configure(IqRequest r, String node, PepNode n, Element configure) {
        NodeConfig config;
        try {
            Map<String, List<String>> form = DataForm.submitted(configure);
            if (form == null) return bad(r, null);
            config = n.config().with(withoutFormType(form), pep.settings.maxItems());
        } catch (IllegalArgumentException e) {
            return error(r, StanzaErrorCondition.NOT_ACCEPTABLE, null, null);
        }
        return IqOutcome.persisting(Stanzas.iqResult(r.iq(), null), new PepNodeConfigured(node, config.toMap()));
    }

    private IqOutcome delete(IqRequest r, String node, PepNode n) {
        List<String> to = n.config().notifyDelete() ? pep.recipients(r.account(), node, n) : List.of();
        return IqOutcome.later(pep.items().purge(r.account().jid().toString(), node).handle((v, f) -> {
            if (f != null) {
                pep.storeErrors.inc();
                return IqOutcome.error(r.iq(), StanzaErrorCondition.INTERNAL_SERVER_ERROR);
            }
            return notify(r, Stanzas.iqResult(r.iq(), null), List.of(new PepNodeDeleted(node)), n, to,
                    PubSub.deleteEvent(node));
        }));
    }

    private IqOutcome purge(IqRequest r, String node, PepNode n) {
        List<String> to = pep.recipients(r.account(), node, n);
        return IqOutcome.later(pep.items().purge(r.account().jid().toString(), node).handle((v, f) -> {
            if (f != null) {
                pep.storeErrors.inc();
                return IqOutcome.error(r.iq(), StanzaErrorCondition.INTERNAL_SERVER_ERROR);
            }
            return notify(r, Stanzas.iqResult(r.iq(), null), List.of(), n, to, PubSub.purgeEvent(node));
        }));
    }

    /** §8.9.1: the node's affiliations, the owner first. */
    private IqOutcome affiliations(IqRequest r, String node, PepNode n) {
        Element.Builder list = Element.builder("affiliations", PubSub.OWNER).attr("node", node);
        list.child(affiliation(PubSub.OWNER, r.account().jid().toString(), "owner", null));
        n.affiliations().forEach((jid, a) -> list.child(affiliation(PubSub.OWNER, jid, a, null)));
        return IqOutcome.result(r.iq(), Element.builder("pubsub", PubSub.OWNER).child(list.build()).build());
    }

    /** §8.9.2: member, publisher (read as member here: only the owner publishes), outcast, or none. */
    private IqOutcome setAffiliations(IqRequest r, String node, Element affiliations) {
        Map<String, String> changes = new LinkedHashMap<>();
        for (Element a : affiliations.children("affiliation", PubSub.OWNER)) {
            String value = a.attr("affiliation");
            String jid;
            try {
                jid = Jid.parse(a.attr("jid")).bare().toString();
            } catch (Exception e) {
                return bad(r, null);
            }
            if (jid.equals(r.account().jid().toString())) return bad(r, null); // the owner stays the owner
            if (!"member".equals(value) && !"publisher".equals(value) && !"outcast".equals(value)
                    && !"none".equals(value)) {
                return bad(r, null);
            }
            changes.put(jid, value);
        }
        if (changes.isEmpty()) return bad(r, null);
        return IqOutcome.persisting(Stanzas.iqResult(r.iq(), null), new PepAffiliationsSet(node, changes));
    }

    /** §5.7: the user's affiliations on its own nodes: owner of each. */
    private IqOutcome ownAffiliations(IqRequest r) {
        Element.Builder list = Element.builder("affiliations", PubSub.NS);
        HashMap<String, PepNode> nodes = r.account().part(PepModule.NODES);
        if (nodes != null) {
            for (String node : new java.util.TreeSet<>(nodes.keySet())) {
                list.child(affiliation(PubSub.NS, null, "owner", node));
            }
        }
        return IqOutcome.result(r.iq(), Element.builder("pubsub", PubSub.NS).child(list.build()).build());
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /**
     * The reply, then the events persisted (by the account), then the notification to each recipient: the user's
     * own resources through the account, contacts through the router.
     */
    private IqOutcome notify(IqRequest r, Element reply, List<UserEvent> events, PepNode n, List<String> to,
            Element event) {
        return notify(r, reply, events, n, to, event, BookmarksCompat.Added.none());
    }

    /** The same, with what a conversion of bookmarks added: its events after these, its notifications after. */
    private IqOutcome notify(IqRequest r, Element reply, List<UserEvent> events, PepNode n, List<String> to,
            Element event, BookmarksCompat.Added added) {
        List<Element> route = new ArrayList<>();
        List<HookOutcome.ToResource> mine = new ArrayList<>();
        pep.addressed(r.account().jid().toString(), to, n, event, route, mine);
        route.addAll(added.route());
        mine.addAll(added.mine());
        List<UserEvent> all = new ArrayList<>(events);
        all.addAll(added.events());
        return new IqOutcome(reply, all, route).withPushes(mine);
    }

    private IqOutcome refusedAccess(IqRequest r, PepNode n) {
        return switch (n.config().accessModel()) {
            case PRESENCE -> error(r, StanzaErrorCondition.NOT_AUTHORIZED, "presence-subscription-required", null);
            case ROSTER -> error(r, StanzaErrorCondition.NOT_AUTHORIZED, "not-in-roster-group", null);
            default -> error(r, StanzaErrorCondition.NOT_ALLOWED, "closed-node", null);
        };
    }

    /**
     * A node name or item id longer than the journal and the tables keep them (1 KiB, far above any XEP's names:
     * OMEMO's bundle nodes, a room JID as a bookmark's id).
     */
    static boolean tooLong(String name) {
        return name.length() > MAX_NAME_BYTES / 4 && name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES;
    }

    static final int MAX_NAME_BYTES = 1024;

    private int maxItems(PepNode n) {
        return Math.min(n.config().maxItems(), pep.settings.maxItems());
    }

    private static PepNode node(IqRequest r, String node) {
        HashMap<String, PepNode> nodes = r.account().part(PepModule.NODES);
        return nodes == null ? null : nodes.get(node);
    }

    private static Element first(Element pubsub) {
        return pubsub.elements().isEmpty() ? null : pubsub.elements().get(0);
    }

    private static Map<String, List<String>> withoutFormType(Map<String, List<String>> form) {
        if (form == null) return Map.of();
        Map<String, List<String>> out = new LinkedHashMap<>(form);
        out.remove("FORM_TYPE");
        return out;
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> out = new ArrayList<>(list);
        java.util.Collections.reverse(out);
        return out;
    }

    private static Element affiliation(String ns, String jid, String affiliation, String node) {
        Element.Builder b = Element.builder("affiliation", ns);
        if (node != null) b.attr("node", node);
        if (jid != null) b.attr("jid", jid);
        return b.attr("affiliation", affiliation).build();
    }

    private static IqOutcome bad(IqRequest r, String pubsubCondition) {
        return error(r, StanzaErrorCondition.BAD_REQUEST, pubsubCondition, null);
    }

    private static IqOutcome unsupported(IqRequest r, String feature) {
        return error(r, StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED, "unsupported", PubSub.feature(feature));
    }

    static IqOutcome error(IqRequest r, StanzaErrorCondition condition, String pubsubCondition, String feature) {
        return IqOutcome.reply(PubSub.error(r.iq(), condition, pubsubCondition, feature));
    }
}
