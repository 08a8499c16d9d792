package io.rookery.node.ext.pubsub;

import io.rookery.node.ext.pubsub.NodeEntity.Step;
import io.rookery.node.user.SessionProtocol;
import io.rookery.persistence.pubsub.ItemStore;
import io.rookery.persistence.pubsub.NodeSubscribed;
import io.rookery.persistence.pubsub.NodeUnsubscribed;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.dataforms.DataForm;
import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xep.pubsub.NodeConfig;
import io.rookery.protocol.xep.pubsub.PubSub;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The requests of subscribers and publishers to one node ({@code <pubsub xmlns='…pubsub'/>}): §6.1 subscribe (with
 * options, §6.3.7), §6.2 unsubscribe, §6.3 options, §6.5 items, §7.1 publish (with publish options), §7.2 retract,
 * the requester's subscriptions and affiliation on the node (§5.6, §5.7), and the node's disco (§5.3-§5.5).
 * Each decides from the node's state now; reads and writes of items answer once the store is done.
 */
final class NodeRequests {
    private final NodeState node;
    private final NodeShared shared;

    NodeRequests(NodeState node, NodeShared shared) {
        this.node = node;
        this.shared = shared;
    }

    Step handle(Element iq, Element pubsub, Element action, boolean get, Jid from,
            ActorRef<SessionProtocol.Message> session) {
        if (!node.exists) return refuse(iq, session, StanzaErrorCondition.ITEM_NOT_FOUND, null, null);
        return switch (action.name()) {
            case "subscribe" -> get ? bad(iq, session, null) : subscribe(iq, pubsub, action, from, session);
            case "unsubscribe" -> get ? bad(iq, session, null) : unsubscribe(iq, action, from, session);
            case "options" -> options(iq, action, get, from, session);
            case "items" -> get ? items(iq, action, from, session) : bad(iq, session, null);
            case "publish" -> get ? bad(iq, session, null)
                    : publish(iq, action, pubsub.child("publish-options", PubSub.NS), from, session);
            case "retract" -> get ? bad(iq, session, null) : retract(iq, action, from, session);
            case "subscriptions" -> get ? ownSubscriptions(iq, from, session) : bad(iq, session, null);
            case "affiliations" -> get ? ownAffiliation(iq, from, session) : bad(iq, session, null);
            default -> refuse(iq, session, StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED, "unsupported",
                    PubSub.feature(action.name()));
        };
    }

    // ---- subscriber use cases (§6) ----------------------------------------------------------------------------

    private Step subscribe(Element iq, Element pubsub, Element subscribe, Jid from,
            ActorRef<SessionProtocol.Message> session) {
        Jid jid = Jid.parseOrNull(subscribe.attr("jid"));
        // §6.1.3.1: a user subscribes itself (its bare JID or one of its full JIDs).
        if (jid == null || !jid.bare().equals(from.bare())) return bad(iq, session, "invalid-jid");
        String affiliation = node.affiliation(from.bare().toString());
        if (NodeAccess.OUTCAST.equals(affiliation) || NodeAccess.PUBLISH_ONLY.equals(affiliation)) {
            return refuse(iq, session, StanzaErrorCondition.FORBIDDEN, null, null);
        }
        if (!NodeAccess.mayRead(node.config, affiliation)) {
            return refuse(iq, session, StanzaErrorCondition.NOT_ALLOWED, "closed-node", null);
        }
        NodeState.Subscription existing = node.subscriptionOf(jid.toString());
        SubscribeOptions options = existing == null ? SubscribeOptions.DEFAULT : existing.options();
        Element optionsElement = pubsub.child("options", PubSub.NS);
        if (optionsElement != null) {
            try {
                Map<String, List<String>> form = DataForm.submitted(optionsElement);
                if (form != null) options = options.with(form);
            } catch (IllegalArgumentException e) {
                return bad(iq, session, "invalid-options");
            }
        }
        if (existing == null && node.subscriptions.size() >= shared.settings.maxSubscriptions()) {
            return refuse(iq, session, StanzaErrorCondition.NOT_ALLOWED, "too-many-subscriptions", null);
        }
        // One subscription per JID (no multi-subscribe): subscribing again returns it, with any new options.
        String subid = existing == null ? UUID.randomUUID().toString() : existing.subid();
        Element reply = Element.builder("pubsub", PubSub.NS).child(subscription(PubSub.NS, jid.toString(), subid,
                "subscribed").withAttr("node", node.name)).build();
        boolean sendLast = existing == null && options.deliver() && node.config.deliverNotifications()
                && node.config.sendLastPublishedItem() != NodeConfig.SendLast.NEVER;
        NodeConfig config = node.config;
        String name = node.name;
        Runnable then = () -> {
            shared.io.result(iq, session, reply);
            if (existing == null) shared.subscriptions.inc();
            if (sendLast) sendLast(name, config, jid.toString());
        };
        if (existing != null && options.equals(existing.options())) return Step.run(then);
        return Step.persist(List.of(new NodeSubscribed(jid.toString(), subid, options.toMap())), then);
    }

    /** §6.1.7: the node's last item to a new subscriber (send_last_published_item on_sub). */
    private void sendLast(String name, NodeConfig config, String to) {
        shared.items().latest(shared.service, name, 1).whenComplete((items, failure) -> {
            if (failure != null) {
                shared.storeFailed("latest", name, failure);
                return;
            }
            if (items.isEmpty()) return;
            shared.notifications.inc();
            shared.io.notify(shared.service, List.of(to), config.notificationType(), PubSub.itemsEvent(name,
                    List.of(item(PubSub.EVENT, items.get(0), config.deliverPayloads()))));
        });
    }

    private Step unsubscribe(Element iq, Element unsubscribe, Jid from, ActorRef<SessionProtocol.Message> session) {
        Jid jid = Jid.parseOrNull(unsubscribe.attr("jid"));
        if (jid == null) return bad(iq, session, "jid-required");
        boolean owner = NodeAccess.OWNER.equals(node.affiliation(from.bare().toString()));
        // §6.2.3.3: only the subscriber itself (or an owner) ends a subscription.
        if (!jid.bare().equals(from.bare()) && !owner) {
            return refuse(iq, session, StanzaErrorCondition.FORBIDDEN, null, null);
        }
        NodeState.Subscription sub = subscription(jid, unsubscribe.attr("subid"));
        if (sub == null) return refuse(iq, session, StanzaErrorCondition.UNEXPECTED_REQUEST, "not-subscribed", null);
        if (!sub.jid().equals(jid.toString())) {
            return refuse(iq, session, StanzaErrorCondition.NOT_ACCEPTABLE, "invalid-subid", null);
        }
        return Step.persist(List.of(new NodeUnsubscribed(sub.subid())), () -> shared.io.result(iq, session, null));
    }

    /** §6.3.2 and §6.3.5: a subscription's options, read or changed by the subscriber (or an owner). */
    private Step options(Element iq, Element options, boolean get, Jid from,
            ActorRef<SessionProtocol.Message> session) {
        Jid jid = Jid.parseOrNull(options.attr("jid"));
        if (jid == null) return bad(iq, session, "jid-required");
        boolean owner = NodeAccess.OWNER.equals(node.affiliation(from.bare().toString()));
        if (!jid.bare().equals(from.bare()) && !owner) {
            return refuse(iq, session, StanzaErrorCondition.FORBIDDEN, null, null);
        }
        NodeState.Subscription sub = subscription(jid, options.attr("subid"));
        if (sub == null) return refuse(iq, session, StanzaErrorCondition.UNEXPECTED_REQUEST, "not-subscribed", null);
        if (!sub.jid().equals(jid.toString())) {
            return refuse(iq, session, StanzaErrorCondition.NOT_ACCEPTABLE, "invalid-subid", null);
        }
        if (get) {
            Element out = Element.builder("options", PubSub.NS).attr("node", node.name).attr("jid", sub.jid())
                    .attr("subid", sub.subid()).child(sub.options().form()).build();
            return result(iq, session, Element.builder("pubsub", PubSub.NS).child(out).build());
        }
        SubscribeOptions changed;
        try {
            Map<String, List<String>> form = DataForm.submitted(options);
            if (form == null) return bad(iq, session, "invalid-options");
            changed = sub.options().with(form);
        } catch (IllegalArgumentException e) {
            return bad(iq, session, "invalid-options");
        }
        return Step.persist(List.of(new NodeSubscribed(sub.jid(), sub.subid(), changed.toMap())),
                () -> shared.io.result(iq, session, null));
    }

    /** The subscription with this subid, or (none given) the one of exactly this JID; null when there is none. */
    private NodeState.Subscription subscription(Jid jid, String subid) {
        if (subid != null && !subid.isEmpty()) return node.subscriptions.get(subid);
        return node.subscriptionOf(jid.toString());
    }

    /** §6.5: the newest max_items (at most max-items-per-request), or those with the ids asked, oldest first. */
    private Step items(Element iq, Element items, Jid from, ActorRef<SessionProtocol.Message> session) {
        Step refused = refusedRead(iq, from, session);
        if (refused != null) return refused;
        List<String> ids = new ArrayList<>();
        for (Element i : items.children("item", PubSub.NS)) {
            if (i.attr("id") != null) ids.add(i.attr("id"));
        }
        int limit = shared.settings.maxItemsPerRequest();
        String max = items.attr("max_items");
        if (max != null) {
            try {
                limit = Math.min(limit, Integer.parseInt(max.trim()));
            } catch (NumberFormatException e) {
                return bad(iq, session, null);
            }
            if (limit < 0) return bad(iq, session, null);
        }
        String name = node.name;
        int n = limit;
        return Step.run(() -> {
            CompletionStage<List<ItemStore.Item>> read = ids.isEmpty()
                    ? shared.items().latest(shared.service, name, n) : shared.items().byIds(shared.service, name, ids);
            read.whenComplete((found, failure) -> {
                if (failure != null) {
                    shared.storeFailed("items", name, failure);
                    shared.io.error(iq, session, StanzaErrorCondition.INTERNAL_SERVER_ERROR, null, null);
                    return;
                }
                List<ItemStore.Item> ordered = new ArrayList<>(found);
                if (ids.isEmpty()) Collections.reverse(ordered);
                Element.Builder out = Element.builder("items", PubSub.NS).attr("node", name);
                for (ItemStore.Item i : ordered) out.child(item(PubSub.NS, i, true));
                shared.io.result(iq, session, Element.builder("pubsub", PubSub.NS).child(out.build()).build());
            });
        });
    }

    /** The refusal of a read (§6.1.3, §6.5.9) for this requester, or null when it may read. */
    private Step refusedRead(Element iq, Jid from, ActorRef<SessionProtocol.Message> session) {
        String affiliation = node.affiliation(from.bare().toString());
        if (NodeAccess.OUTCAST.equals(affiliation)) {
            return refuse(iq, session, StanzaErrorCondition.FORBIDDEN, null, null);
        }
        if (!NodeAccess.mayRead(node.config, affiliation)) {
            return refuse(iq, session, StanzaErrorCondition.NOT_ALLOWED, "closed-node", null);
        }
        return null;
    }

    // ---- publisher use cases (§7) -----------------------------------------------------------------------------

    private Step publish(Element iq, Element publish, Element publishOptions, Jid from,
            ActorRef<SessionProtocol.Message> session) {
        NodeConfig config = node.config;
        String bare = from.bare().toString();
        if (!NodeAccess.mayPublish(config, node.affiliation(bare), !node.subscriptionsOfBare(bare).isEmpty())) {
            return refuse(iq, session, StanzaErrorCondition.FORBIDDEN, null, null);
        }
        if (publishOptions != null) {
            try {
                Map<String, List<String>> asked = DataForm.submitted(publishOptions);
                if (asked != null && config.unmet(asked, shared.settings.maxItems()) != null) {
                    return refuse(iq, session, StanzaErrorCondition.CONFLICT, "precondition-not-met", null);
                }
            } catch (IllegalArgumentException e) {
                return bad(iq, session, null);
            }
        }
        List<Element> items = publish.children("item", PubSub.NS);
        boolean transientNotification = !config.persistItems() && !config.deliverPayloads();
        // §7.1.3.6: one item per publish here; its payload is one element.
        if (items.size() > 1) return bad(iq, session, "invalid-payload");
        if (items.isEmpty() && !transientNotification) return bad(iq, session, "item-required");
        Element item = items.isEmpty() ? null : items.get(0);
        if (item != null && item.elements().size() > 1) return bad(iq, session, "invalid-payload");
        Element payload = item == null || item.elements().isEmpty() ? null : item.elements().get(0);
        if (payload == null && (config.persistItems() || config.deliverPayloads())) {
            return bad(iq, session, "payload-required");
        }
        if (payload != null && transientNotification) return bad(iq, session, "item-forbidden");
        String payloadXml = payload == null ? null : StoredXml.write(payload);
        if (payloadXml != null && payloadXml.getBytes(StandardCharsets.UTF_8).length > shared.settings.maxItemBytes()) {
            return refuse(iq, session, StanzaErrorCondition.NOT_ACCEPTABLE, "payload-too-big", null);
        }
        String id = item == null || item.attr("id") == null || item.attr("id").isEmpty()
                ? UUID.randomUUID().toString() : item.attr("id");
        ItemStore.Item stored = new ItemStore.Item(id, from.toString(), System.currentTimeMillis(), payloadXml);
        List<String> to = node.recipients();
        String name = node.name;
        Element reply = Element.builder("pubsub", PubSub.NS).child(Element.builder("publish", PubSub.NS)
                .attr("node", name).child(Element.builder("item", PubSub.NS).attr("id", id).build()).build()).build();
        Element event = PubSub.itemsEvent(name, List.of(item(PubSub.EVENT, stored, config.deliverPayloads())));
        int keep = Math.min(config.maxItems(), shared.settings.maxItems());
        return Step.run(() -> {
            CompletionStage<Void> kept = config.persistItems()
                    ? shared.items().publish(shared.service, name, stored, keep)
                    : java.util.concurrent.CompletableFuture.completedFuture(null);
            kept.whenComplete((v, failure) -> {
                if (failure != null) {
                    shared.storeFailed("publish", name, failure);
                    shared.io.error(iq, session, StanzaErrorCondition.INTERNAL_SERVER_ERROR, null, null);
                    return;
                }
                shared.published.inc();
                // Notifications first: whatever the publisher sends once answered comes after them.
                notifyAll(to, config, event);
                shared.io.result(iq, session, reply);
            });
        });
    }

    private Step retract(Element iq, Element retract, Jid from, ActorRef<SessionProtocol.Message> session) {
        List<Element> items = retract.children("item", PubSub.NS);
        if (items.size() != 1 || items.get(0).attr("id") == null) return bad(iq, session, "item-required");
        String affiliation = node.affiliation(from.bare().toString());
        if (!NodeAccess.OWNER.equals(affiliation) && !NodeAccess.PUBLISHER.equals(affiliation)) {
            return refuse(iq, session, StanzaErrorCondition.FORBIDDEN, null, null);
        }
        NodeConfig config = node.config;
        if (!config.persistItems()) {
            return refuse(iq, session, StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED, "unsupported",
                    PubSub.feature("persistent-items"));
        }
        String id = items.get(0).attr("id");
        String notifyAttr = retract.attr("notify");
        boolean notify = config.notifyRetract() || "1".equals(notifyAttr) || "true".equals(notifyAttr);
        List<String> to = notify ? node.recipients() : List.of();
        String name = node.name;
        return Step.run(() -> shared.items().retract(shared.service, name, id).whenComplete((found, failure) -> {
            if (failure != null) {
                shared.storeFailed("retract", name, failure);
                shared.io.error(iq, session, StanzaErrorCondition.INTERNAL_SERVER_ERROR, null, null);
                return;
            }
            if (!found) {
                shared.io.error(iq, session, StanzaErrorCondition.ITEM_NOT_FOUND, null, null);
                return;
            }
            notifyAll(to, config, PubSub.retractEvent(name, List.of(id)));
            shared.io.result(iq, session, null);
        }));
    }

    /** §5.6 for one node: the requester's own subscriptions to it. */
    private Step ownSubscriptions(Element iq, Jid from, ActorRef<SessionProtocol.Message> session) {
        Element.Builder list = Element.builder("subscriptions", PubSub.NS).attr("node", node.name);
        for (NodeState.Subscription s : node.subscriptionsOfBare(from.bare().toString())) {
            list.child(subscription(PubSub.NS, s.jid(), s.subid(), "subscribed").withAttr("node", node.name));
        }
        return result(iq, session, Element.builder("pubsub", PubSub.NS).child(list.build()).build());
    }

    /** §5.7 for one node: the requester's own affiliation with it. */
    private Step ownAffiliation(Element iq, Jid from, ActorRef<SessionProtocol.Message> session) {
        Element.Builder list = Element.builder("affiliations", PubSub.NS);
        String a = node.affiliation(from.bare().toString());
        if (!NodeAccess.NONE.equals(a)) {
            list.child(Element.builder("affiliation", PubSub.NS).attr("node", node.name).attr("affiliation", a)
                    .build());
        }
        return result(iq, session, Element.builder("pubsub", PubSub.NS).child(list.build()).build());
    }

    // ---- discovery (§5.3-§5.5) --------------------------------------------------------------------------------

    /** §5.3 and §5.4: a leaf node, with its metadata. */
    Step discoInfo(Element iq, Jid from, ActorRef<SessionProtocol.Message> session) {
        if (!node.exists) return refuse(iq, session, StanzaErrorCondition.ITEM_NOT_FOUND, null, null);
        String name = node.name;
        Element query = Disco.info(name, List.of(new Disco.Identity("pubsub", "leaf", null)),
                List.of(Disco.INFO, Disco.ITEMS, PubSub.NS));
        NodeConfig c = node.config;
        List<DataForm.Field> meta = new ArrayList<>();
        meta.add(new DataForm.Field("pubsub#access_model", "list-single", c.accessModel().value));
        meta.add(new DataForm.Field("pubsub#max_items", "text-single",
                c.maxItems() == NodeConfig.MAX ? "max" : Integer.toString(c.maxItems())));
        meta.add(new DataForm.Field("pubsub#publish_model", "list-single", c.publishModel().value));
        meta.add(new DataForm.Field("pubsub#num_subscribers", "text-single",
                Integer.toString(node.subscriptions.size())));
        if (c.title() != null) meta.add(new DataForm.Field("pubsub#title", "text-single", c.title()));
        if (c.type() != null) meta.add(new DataForm.Field("pubsub#type", "text-single", c.type()));
        Element form = DataForm.form(PubSub.META_DATA, meta).withAttr("type", "result");
        // pubsub#owner is a jid-multi: every owner a value.
        Element.Builder owners = Element.builder("field", DataForm.NS).attr("var", "pubsub#owner")
                .attr("type", "jid-multi");
        for (String o : node.owners()) owners.child(Element.builder("value", DataForm.NS).text(o).build());
        List<io.rookery.protocol.xml.Node> fields = new ArrayList<>(form.children());
        fields.add(owners.build());
        List<io.rookery.protocol.xml.Node> children = new ArrayList<>(query.children());
        children.add(form.withChildren(fields));
        return result(iq, session, query.withChildren(children));
    }

    /** §5.5: the node's items as disco items (their ids), the newest max-items-per-request. */
    Step discoItems(Element iq, Jid from, ActorRef<SessionProtocol.Message> session) {
        if (!node.exists) return refuse(iq, session, StanzaErrorCondition.ITEM_NOT_FOUND, null, null);
        Step refused = refusedRead(iq, from, session);
        if (refused != null) return refused;
        String name = node.name;
        return Step.run(() -> shared.items().latest(shared.service, name, shared.settings.maxItemsPerRequest())
                .whenComplete((found, failure) -> {
                    if (failure != null) {
                        shared.storeFailed("latest", name, failure);
                        shared.io.error(iq, session, StanzaErrorCondition.INTERNAL_SERVER_ERROR, null, null);
                        return;
                    }
                    List<Disco.Item> items = new ArrayList<>(found.size());
                    for (ItemStore.Item i : found) items.add(new Disco.Item(shared.service, null, i.id()));
                    shared.io.result(iq, session, Disco.items(name, items));
                }));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** The event to each JID, counted. */
    private void notifyAll(List<String> to, NodeConfig config, Element event) {
        if (to.isEmpty()) return;
        shared.notifications.inc(to.size());
        shared.io.notify(shared.service, to, config.notificationType(), event);
    }

    static Element subscription(String ns, String jid, String subid, String state) {
        Element.Builder b = Element.builder("subscription", ns).attr("jid", jid);
        if (subid != null) b.attr("subid", subid);
        return b.attr("subscription", state).build();
    }

    /** An item as a retrieval or notification carries it (namespace {@code #event} or the pubsub one). */
    static Element item(String namespace, ItemStore.Item item, boolean payload) {
        Element content = payload && item.payloadXml() != null ? StoredXml.parse(item.payloadXml()) : null;
        return PubSub.item(namespace, item.id(), null, content);
    }

    private Step result(Element iq, ActorRef<SessionProtocol.Message> session, Element payload) {
        return Step.run(() -> shared.io.result(iq, session, payload));
    }

    private Step bad(Element iq, ActorRef<SessionProtocol.Message> session, String pubsubCondition) {
        return refuse(iq, session, StanzaErrorCondition.BAD_REQUEST, pubsubCondition, null);
    }

    private Step refuse(Element iq, ActorRef<SessionProtocol.Message> session, StanzaErrorCondition condition,
            String pubsubCondition, String feature) {
        return Step.run(() -> shared.io.error(iq, session, condition, pubsubCondition, feature));
    }
}
