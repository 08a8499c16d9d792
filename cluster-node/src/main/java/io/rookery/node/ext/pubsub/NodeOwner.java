package io.rookery.node.ext.pubsub;

import io.rookery.node.ext.pubsub.NodeEntity.Step;
import io.rookery.node.user.SessionProtocol;
import io.rookery.persistence.pubsub.NodeAffiliationSet;
import io.rookery.persistence.pubsub.NodeConfigured;
import io.rookery.persistence.pubsub.NodeCreated;
import io.rookery.persistence.pubsub.NodeDeleted;
import io.rookery.persistence.pubsub.NodeEvent;
import io.rookery.persistence.pubsub.NodeSubscribed;
import io.rookery.persistence.pubsub.NodeUnsubscribed;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.dataforms.DataForm;
import io.rookery.protocol.xep.pubsub.NodeConfig;
import io.rookery.protocol.xep.pubsub.PubSub;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The owner's use cases of one node: §8.1 create (instant or named, with a configuration), and in
 * {@code <pubsub xmlns='…pubsub#owner'/>} §8.2 configure, §8.4 delete (notified, with a redirect), §8.5 purge, §8.8
 * subscriptions and §8.9 affiliations. The service checked who may create and the limit on nodes before a creation
 * came here.
 */
final class NodeOwner {
    private final NodeState node;
    private final NodeShared shared;

    NodeOwner(NodeState node, NodeShared shared) {
        this.node = node;
        this.shared = shared;
    }

    /** §8.1.2 and §8.1.3: the node, with the default configuration or the one submitted with it. */
    Step create(Element iq, Element pubsub, Jid from, ActorRef<SessionProtocol.Message> session) {
        if (node.exists) return refuse(iq, session, StanzaErrorCondition.CONFLICT, null, null);
        NodeConfig config = shared.settings.defaultConfig();
        Element configure = pubsub.child("configure", PubSub.NS);
        if (configure != null && configure.child("x", DataForm.NS) != null) {
            Object parsed = configured(iq, session, config, configure);
            if (parsed instanceof Step refused) return refused;
            config = (NodeConfig) parsed;
        }
        String name = node.name;
        String title = config.title();
        Element reply = Element.builder("pubsub", PubSub.NS)
                .child(Element.builder("create", PubSub.NS).attr("node", name).build()).build();
        return Step.persist(List.of(new NodeCreated(from.bare().toString(), config.toMap())), () -> {
            shared.created.inc();
            // Listed before the answer, so that the creator's next disco#items shows it.
            listed(shared.nodes().put(shared.service, name, title), "list", name)
                    .whenComplete((v, f) -> shared.io.result(iq, session, reply));
        });
    }

    Step handle(Element iq, Element action, boolean get, Jid from, ActorRef<SessionProtocol.Message> session) {
        if (!node.exists) return refuse(iq, session, StanzaErrorCondition.ITEM_NOT_FOUND, null, null);
        if (!NodeAccess.OWNER.equals(node.affiliation(from.bare().toString()))) {
            return refuse(iq, session, StanzaErrorCondition.FORBIDDEN, null, null);
        }
        return switch (action.name()) {
            case "configure" -> get ? result(iq, session, Element.builder("pubsub", PubSub.OWNER).child(
                    Element.builder("configure", PubSub.OWNER).attr("node", node.name).child(node.config.form())
                            .build()).build()) : configure(iq, action, session);
            case "delete" -> get ? bad(iq, session) : delete(iq, action, session);
            case "purge" -> get ? bad(iq, session) : purge(iq, session);
            case "subscriptions" -> get ? subscriptions(iq, session) : setSubscriptions(iq, action, session);
            case "affiliations" -> get ? affiliations(iq, session) : setAffiliations(iq, action, session);
            default -> refuse(iq, session, StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED, "unsupported",
                    PubSub.feature(action.name()));
        };
    }

    /** §8.2.4 (and §8.2.5.1: a cancelled form changes nothing). */
    private Step configure(Element iq, Element configure, ActorRef<SessionProtocol.Message> session) {
        Element x = configure.child("x", DataForm.NS);
        if (x == null) return bad(iq, session);
        if ("cancel".equals(x.attr("type"))) return result(iq, session, null);
        Object parsed = configured(iq, session, node.config, configure);
        if (parsed instanceof Step refused) return refused;
        NodeConfig config = (NodeConfig) parsed;
        String name = node.name;
        boolean retitled = !Objects.equals(config.title(), node.config.title());
        List<String> to = config.notifyConfig() ? node.recipients() : List.of();
        return Step.persist(List.of(new NodeConfigured(config.toMap())), () -> {
            CompletionStage<Void> listed = retitled
                    ? listed(shared.nodes().put(shared.service, name, config.title()), "list", name)
                    : java.util.concurrent.CompletableFuture.completedFuture(null);
            listed.whenComplete((v, f) -> {
                // §8.2.5.2: the configuration itself only to nodes that deliver payloads.
                Element.Builder changed = Element.builder("configuration", PubSub.EVENT).attr("node", name);
                if (config.deliverPayloads()) changed.child(config.form().withAttr("type", "result"));
                notifyAll(to, config, Element.builder("event", PubSub.EVENT).child(changed.build()).build());
                shared.io.result(iq, session, null);
            });
        });
    }

    /**
     * The configuration with the submitted form's values, or a Step that refuses it: not-acceptable for a value a
     * field does not allow, unsupported for an access model or node type the service does not offer.
     */
    private Object configured(Element iq, ActorRef<SessionProtocol.Message> session, NodeConfig base,
            Element parent) {
        Map<String, List<String>> form;
        try {
            form = DataForm.submitted(parent);
        } catch (IllegalArgumentException e) {
            return bad(iq, session);
        }
        if (form == null) return base;
        Map<String, List<String>> fields = new LinkedHashMap<>(form);
        fields.remove("FORM_TYPE");
        List<String> nodeType = fields.getOrDefault("pubsub#node_type", List.of());
        if (!nodeType.isEmpty() && !"leaf".equals(nodeType.get(0))) {
            return refuse(iq, session, StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED, "unsupported",
                    PubSub.feature("collections"));
        }
        NodeConfig config;
        try {
            config = base.with(fields, shared.settings.maxItems());
        } catch (IllegalArgumentException e) {
            return refuse(iq, session, StanzaErrorCondition.NOT_ACCEPTABLE, null, null);
        }
        if (!NodeAccess.SUPPORTED.contains(config.accessModel())) {
            return refuse(iq, session, StanzaErrorCondition.NOT_ACCEPTABLE, "unsupported",
                    PubSub.feature("access-" + config.accessModel().value));
        }
        return config;
    }

    /** §8.4: the node goes with its items; its subscribers are told (with the redirect given). */
    private Step delete(Element iq, Element delete, ActorRef<SessionProtocol.Message> session) {
        NodeConfig config = node.config;
        List<String> to = config.notifyDelete() ? node.recipients() : List.of();
        String name = node.name;
        Element.Builder deleted = Element.builder("delete", PubSub.EVENT).attr("node", name);
        Element redirect = delete.child("redirect", PubSub.OWNER);
        if (redirect != null && redirect.attr("uri") != null) {
            deleted.child(Element.builder("redirect", PubSub.EVENT).attr("uri", redirect.attr("uri")).build());
        }
        Element event = Element.builder("event", PubSub.EVENT).child(deleted.build()).build();
        return Step.persist(List.of(new NodeDeleted()), () -> {
            shared.deleted.inc();
            CompletionStage<Void> purged = listed(shared.items().purge(shared.service, name), "purge", name);
            CompletionStage<Void> unlisted = listed(shared.nodes().remove(shared.service, name), "unlist", name);
            purged.thenCombine(unlisted, (a, b) -> null).whenComplete((v, f) -> {
                notifyAll(to, config, event);
                shared.io.result(iq, session, null);
            });
        });
    }

    /** §8.5: every item goes; subscribers are told. */
    private Step purge(Element iq, ActorRef<SessionProtocol.Message> session) {
        NodeConfig config = node.config;
        List<String> to = node.recipients();
        String name = node.name;
        return Step.run(() -> shared.items().purge(shared.service, name).whenComplete((v, failure) -> {
            if (failure != null) {
                shared.storeFailed("purge", name, failure);
                shared.io.error(iq, session, StanzaErrorCondition.INTERNAL_SERVER_ERROR, null, null);
                return;
            }
            notifyAll(to, config, PubSub.purgeEvent(name));
            shared.io.result(iq, session, null);
        }));
    }

    /** §8.8.1: every subscription of the node. */
    private Step subscriptions(Element iq, ActorRef<SessionProtocol.Message> session) {
        Element.Builder list = Element.builder("subscriptions", PubSub.OWNER).attr("node", node.name);
        for (NodeState.Subscription s : node.subscriptions.values()) {
            list.child(NodeRequests.subscription(PubSub.OWNER, s.jid(), s.subid(), "subscribed"));
        }
        return result(iq, session, Element.builder("pubsub", PubSub.OWNER).child(list.build()).build());
    }

    /**
     * §8.8.2: subscribed adds a subscription for the JID (kept when it has one), none removes the JID's (or the one
     * with the subid given).
     */
    private Step setSubscriptions(Element iq, Element subscriptions, ActorRef<SessionProtocol.Message> session) {
        List<NodeEvent> events = new ArrayList<>();
        int count = node.subscriptions.size();
        // COMPAT Smack 4.4/4.5: its owner's subscription changes carry <subscription xmlns='…pubsub'/> children.
        List<Element> changes = new ArrayList<>(subscriptions.children("subscription", PubSub.OWNER));
        changes.addAll(subscriptions.children("subscription", PubSub.NS));
        for (Element s : changes) {
            Jid jid = Jid.parseOrNull(s.attr("jid"));
            String state = s.attr("subscription");
            if (jid == null) return bad(iq, session);
            String subid = s.attr("subid");
            NodeState.Subscription existing = subid != null && !subid.isEmpty() ? node.subscriptions.get(subid)
                    : node.subscriptionOf(jid.toString());
            if ("none".equals(state)) {
                if (existing != null) events.add(new NodeUnsubscribed(existing.subid()));
            } else if ("subscribed".equals(state)) {
                if (existing == null) {
                    if (++count > shared.settings.maxSubscriptions()) {
                        return refuse(iq, session, StanzaErrorCondition.NOT_ALLOWED, "too-many-subscriptions", null);
                    }
                    events.add(new NodeSubscribed(jid.toString(), UUID.randomUUID().toString(),
                            SubscribeOptions.DEFAULT.toMap()));
                }
            } else {
                // pending and unconfigured belong to approval flows the service does not have.
                return bad(iq, session);
            }
        }
        if (events.isEmpty()) return result(iq, session, null);
        return Step.persist(events, () -> shared.io.result(iq, session, null));
    }

    /** §8.9.1: every affiliation of the node, the owners first. */
    private Step affiliations(Element iq, ActorRef<SessionProtocol.Message> session) {
        Element.Builder list = Element.builder("affiliations", PubSub.OWNER).attr("node", node.name);
        for (String o : node.owners()) list.child(affiliation(o, NodeAccess.OWNER));
        node.affiliations.forEach((jid, a) -> {
            if (!NodeAccess.OWNER.equals(a)) list.child(affiliation(jid, a));
        });
        return result(iq, session, Element.builder("pubsub", PubSub.OWNER).child(list.build()).build());
    }

    /**
     * §8.9.2: each JID gets the affiliation given (none removes it); an outcast loses its subscriptions. A change
     * that would leave the node without an owner is refused (not-acceptable), and so nothing of the request is done.
     */
    private Step setAffiliations(Element iq, Element affiliations, ActorRef<SessionProtocol.Message> session) {
        Map<String, String> after = new HashMap<>(node.affiliations);
        List<NodeEvent> events = new ArrayList<>();
        for (Element a : affiliations.children("affiliation", PubSub.OWNER)) {
            Jid jid = Jid.parseOrNull(a.attr("jid"));
            String value = a.attr("affiliation");
            if (jid == null || value == null || !NodeAccess.AFFILIATIONS.contains(value)) return bad(iq, session);
            String bare = jid.bare().toString();
            if (NodeAccess.NONE.equals(value)) after.remove(bare);
            else after.put(bare, value);
            events.add(new NodeAffiliationSet(bare, value));
            if (NodeAccess.OUTCAST.equals(value)) {
                for (NodeState.Subscription s : node.subscriptionsOfBare(bare)) {
                    events.add(new NodeUnsubscribed(s.subid()));
                }
            }
        }
        if (events.isEmpty()) return bad(iq, session);
        if (!after.containsValue(NodeAccess.OWNER)) {
            return refuse(iq, session, StanzaErrorCondition.NOT_ACCEPTABLE, null, null);
        }
        return Step.persist(events, () -> shared.io.result(iq, session, null));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static Element affiliation(String jid, String affiliation) {
        return Element.builder("affiliation", PubSub.OWNER).attr("jid", jid).attr("affiliation", affiliation).build();
    }

    /** A store write the answer waits for but does not depend on: a failure is counted and logged. */
    private CompletionStage<Void> listed(CompletionStage<Void> write, String operation, String name) {
        return write.handle((v, failure) -> {
            if (failure != null) shared.storeFailed(operation, name, failure);
            return null;
        });
    }

    private void notifyAll(List<String> to, NodeConfig config, Element event) {
        if (to.isEmpty()) return;
        shared.notifications.inc(to.size());
        shared.io.notify(shared.service, to, config.notificationType(), event);
    }

    private Step result(Element iq, ActorRef<SessionProtocol.Message> session, Element payload) {
        return Step.run(() -> shared.io.result(iq, session, payload));
    }

    private Step bad(Element iq, ActorRef<SessionProtocol.Message> session) {
        return refuse(iq, session, StanzaErrorCondition.BAD_REQUEST, null, null);
    }

    private Step refuse(Element iq, ActorRef<SessionProtocol.Message> session, StanzaErrorCondition condition,
            String pubsubCondition, String feature) {
        return Step.run(() -> shared.io.error(iq, session, condition, pubsubCondition, feature));
    }
}
