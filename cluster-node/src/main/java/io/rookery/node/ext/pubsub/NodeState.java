package io.rookery.node.ext.pubsub;

import io.rookery.persistence.pubsub.NodeAffiliationSet;
import io.rookery.persistence.pubsub.NodeConfigured;
import io.rookery.persistence.pubsub.NodeCreated;
import io.rookery.persistence.pubsub.NodeDeleted;
import io.rookery.persistence.pubsub.NodeEvent;
import io.rookery.persistence.pubsub.NodeSnapshot;
import io.rookery.persistence.pubsub.NodeSubscribed;
import io.rookery.persistence.pubsub.NodeUnsubscribed;
import io.rookery.protocol.xep.pubsub.NodeConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One node's state, all of it from its journal: whether it exists, its configuration, affiliations (bare JIDs) and
 * subscriptions (by subid, in the order they were made). Changed only by {@link #apply}.
 */
final class NodeState {
    /** One subscription: the JID as subscribed (bare or full), its id and options. */
    record Subscription(String jid, String subid, SubscribeOptions options) {}

    final String name;
    private final NodeConfig defaults;
    boolean exists;
    NodeConfig config;
    final Map<String, String> affiliations = new TreeMap<>();
    final Map<String, Subscription> subscriptions = new LinkedHashMap<>();

    NodeState(String name, NodeConfig defaults) {
        this.name = name;
        this.defaults = defaults;
        this.config = defaults;
    }

    NodeState apply(NodeEvent event) {
        if (event instanceof NodeCreated c) {
            clear();
            exists = true;
            config = NodeConfig.fromMap(defaults, c.config());
            affiliations.put(c.owner(), NodeAccess.OWNER);
        } else if (event instanceof NodeConfigured c) {
            config = NodeConfig.fromMap(defaults, c.config());
        } else if (event instanceof NodeAffiliationSet a) {
            if (NodeAccess.NONE.equals(a.affiliation())) affiliations.remove(a.jid());
            else affiliations.put(a.jid(), a.affiliation());
        } else if (event instanceof NodeSubscribed s) {
            subscriptions.put(s.subid(), new Subscription(s.jid(), s.subid(), SubscribeOptions.fromMap(s.options())));
        } else if (event instanceof NodeUnsubscribed u) {
            subscriptions.remove(u.subid());
        } else if (event instanceof NodeDeleted) {
            clear();
        }
        return this;
    }

    private void clear() {
        exists = false;
        config = defaults;
        affiliations.clear();
        subscriptions.clear();
    }

    NodeSnapshot snapshot() {
        List<NodeSubscribed> subs = new ArrayList<>(subscriptions.size());
        for (Subscription s : subscriptions.values()) {
            subs.add(new NodeSubscribed(s.jid(), s.subid(), s.options().toMap()));
        }
        return new NodeSnapshot(exists, exists ? config.toMap() : Map.of(), affiliations, subs);
    }

    void restore(NodeSnapshot s) {
        clear();
        exists = s.exists();
        config = NodeConfig.fromMap(defaults, s.config());
        affiliations.putAll(s.affiliations());
        for (NodeSubscribed sub : s.subscriptions()) apply(sub);
    }

    /** The affiliation of a bare JID, "none" when it has none. */
    String affiliation(String bare) {
        return affiliations.getOrDefault(bare, NodeAccess.NONE);
    }

    List<String> owners() {
        List<String> out = new ArrayList<>();
        affiliations.forEach((jid, a) -> {
            if (NodeAccess.OWNER.equals(a)) out.add(jid);
        });
        return out;
    }

    /** The subscription of exactly this JID (as subscribed), or null. */
    Subscription subscriptionOf(String jid) {
        for (Subscription s : subscriptions.values()) if (s.jid().equals(jid)) return s;
        return null;
    }

    /** The subscriptions of a bare JID and its full JIDs. */
    List<Subscription> subscriptionsOfBare(String bare) {
        List<Subscription> out = new ArrayList<>();
        for (Subscription s : subscriptions.values()) if (bareOf(s.jid()).equals(bare)) out.add(s);
        return out;
    }

    /** The JIDs to notify of an event: subscriptions that asked for delivery, when the node delivers at all. */
    List<String> recipients() {
        if (!config.deliverNotifications()) return List.of();
        List<String> out = new ArrayList<>(subscriptions.size());
        for (Subscription s : subscriptions.values()) if (s.options().deliver()) out.add(s.jid());
        return out;
    }

    static String bareOf(String jid) {
        int slash = jid.indexOf('/');
        return slash < 0 ? jid : jid.substring(0, slash);
    }
}
