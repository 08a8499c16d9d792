package io.rookery.loadtest;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.XmlWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST FIXTURE: rosters, subscriptions and presence for {@link TinyXmppServer}, after RFC 6121 as Rookery does it:
 * roster get and pushes (§2.1.3, §2.1.6), subscribe / subscribed with pending requests kept outside the roster
 * and delivered at initial presence (§3.1), the 'subscribed' of an existing subscription not delivered (§3.1.6),
 * initial presence reflected to the user's own resources, broadcast to subscribers and answered with the
 * presence of the contacts it may see (§4.2), updates broadcast (§4.4). Runs on the server's thread only; the
 * inspection methods are for tests after a run. Not modelled: unsubscribe, unsubscribed, roster set, directed and
 * unavailable presence, pre-approval, priorities.
 */
final class TinyRosters {
    /** One connection, as the rosters see it. */
    interface Peer {
        /** The full JID bound. */
        String jid();

        void deliver(CharSequence xml);
    }

    private static final class Item {
        volatile String subscription = "none";
        volatile boolean ask;
    }

    private static final class Online {
        final Peer peer;
        boolean interested;
        /** The last available presence, stamped with 'from'; null before initial presence. */
        Element presence;

        Online(Peer peer) {
            this.peer = peer;
        }
    }

    /** Presence updates (not initial presence) of other users not delivered to these users (bare JIDs). */
    final Set<String> dropBroadcastsTo = ConcurrentHashMap.newKeySet();
    final AtomicInteger droppedBroadcasts = new AtomicInteger();
    /** When set, subscription requests go nowhere: a server that never answers them. */
    volatile boolean ignoreSubscribe;

    private final Map<String, Map<String, Item>> rosters = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> pendingIn = new ConcurrentHashMap<>();
    private final Map<String, List<Online>> online = new ConcurrentHashMap<>();
    private int pushes;

    void bound(Peer p) {
        online.computeIfAbsent(bare(p.jid()), k -> new ArrayList<>()).add(new Online(p));
    }

    void closed(Peer p) {
        List<Online> list = online.get(bare(p.jid()));
        if (list != null) list.removeIf(o -> o.peer == p);
    }

    /** §2.1.3: every item; the resource now gets pushes. */
    void rosterGet(Peer p, Element iq) {
        Online o = find(p);
        if (o != null) o.interested = true;
        StringBuilder sb = new StringBuilder("<iq type='result' id='");
        XmlWriter.escapeAttr(iq.attr("id"), sb);
        sb.append("' to='").append(p.jid()).append("'><query xmlns='").append(Namespaces.ROSTER).append("'>");
        rosterOf(bare(p.jid())).forEach((jid, item) -> itemXml(sb, jid, item));
        p.deliver(sb.append("</query></iq>"));
    }

    /** A presence from a bound connection. */
    void presence(Peer p, Element presence) {
        String user = bare(p.jid());
        String type = presence.attr("type");
        String to = presence.attr("to");
        if (type == null && to == null) {
            ownPresence(p, user, presence);
        } else if ("subscribe".equals(type) && to != null && !ignoreSubscribe) {
            subscribe(user, bare(to));
        } else if ("subscribed".equals(type) && to != null) {
            subscribed(user, bare(to));
        }
    }

    private void ownPresence(Peer p, String user, Element presence) {
        Online self = find(p);
        if (self == null) return;
        boolean initial = self.presence == null;
        Element stamped = presence.withAttr("from", p.jid());
        self.presence = stamped;
        for (Online o : online.getOrDefault(user, List.of())) {
            if (o.presence != null) send(o, stamped);
        }
        rosterOf(user).forEach((contact, item) -> {
            if (!item.subscription.equals("from") && !item.subscription.equals("both")) return;
            for (Online o : online.getOrDefault(contact, List.of())) {
                if (o.presence == null) continue;
                if (!initial && dropBroadcastsTo.contains(contact)) {
                    droppedBroadcasts.incrementAndGet();
                } else {
                    send(o, stamped);
                }
            }
        });
        if (!initial) return;
        rosterOf(user).forEach((contact, item) -> {
            if (!item.subscription.equals("to") && !item.subscription.equals("both")) return;
            for (Online o : online.getOrDefault(contact, List.of())) {
                if (o.presence != null) send(self, o.presence);
            }
        });
        for (String from : pendingIn.getOrDefault(user, Set.of())) send(self, subscription(from, "subscribe"));
    }

    /** §3.1.2, §3.1.3: user asks to see contact's presence. */
    private void subscribe(String user, String contact) {
        Item mine = rosterOf(user).computeIfAbsent(contact, k -> new Item());
        if (mine.subscription.equals("to") || mine.subscription.equals("both")) {
            // The contact's server answers on its behalf; the user's ignores it (§3.1.6): nothing is seen.
            return;
        }
        if (!mine.ask) {
            mine.ask = true;
            push(user, contact, mine);
        }
        Item theirs = rosterOf(contact).get(user);
        if (theirs != null && (theirs.subscription.equals("from") || theirs.subscription.equals("both"))) {
            approved(user, contact);
            return;
        }
        if (pendingIn.computeIfAbsent(contact, k -> ConcurrentHashMap.newKeySet()).add(user)) {
            Element request = subscription(user, "subscribe");
            for (Online o : online.getOrDefault(contact, List.of())) {
                if (o.presence != null) send(o, request);
            }
        }
    }

    /** §3.1.5: user approves contact's request. */
    private void subscribed(String user, String contact) {
        Set<String> pending = pendingIn.get(user);
        if (pending == null || !pending.remove(contact)) return;
        Item mine = rosterOf(user).computeIfAbsent(contact, k -> new Item());
        mine.subscription = mine.subscription.equals("to") ? "both" : "from";
        push(user, contact, mine);
        approved(contact, user);
        for (Online own : online.getOrDefault(user, List.of())) {
            if (own.presence == null) continue;
            for (Online o : online.getOrDefault(contact, List.of())) {
                if (o.presence != null) send(o, own.presence);
            }
        }
    }

    /** §3.1.6: the subscriber learns of the approval, when it was waiting for one. */
    private void approved(String subscriber, String contact) {
        Item item = rosterOf(subscriber).get(contact);
        if (item == null || !item.ask) return;
        item.ask = false;
        item.subscription = item.subscription.equals("from") ? "both" : "to";
        push(subscriber, contact, item);
        Element approval = subscription(contact, "subscribed");
        for (Online o : online.getOrDefault(subscriber, List.of())) {
            if (o.presence != null) send(o, approval);
        }
    }

    private void push(String user, String contact, Item item) {
        for (Online o : online.getOrDefault(user, List.of())) {
            if (!o.interested) continue;
            StringBuilder sb = new StringBuilder("<iq type='set' id='push").append(pushes++).append("' to='")
                    .append(o.peer.jid()).append("'><query xmlns='").append(Namespaces.ROSTER).append("'>");
            itemXml(sb, contact, item);
            o.peer.deliver(sb.append("</query></iq>"));
        }
    }

    // ---- for tests --------------------------------------------------------------------------------------------

    /** Puts an item straight into a roster, as an earlier run or another client would have left it. */
    void addItem(String user, String contact, String subscription) {
        rosterOf(user).computeIfAbsent(contact, k -> new Item()).subscription = subscription;
    }

    /** contact to subscription ("+ask" when a request is pending), sorted. */
    Map<String, String> roster(String user) {
        Map<String, String> out = new TreeMap<>();
        rosterOf(user).forEach((jid, item) -> out.put(jid, item.subscription + (item.ask ? "+ask" : "")));
        return out;
    }

    /** Items of every roster with subscription both. */
    int itemsBoth() {
        int n = 0;
        for (Map<String, Item> r : rosters.values()) {
            for (Item i : r.values()) if (i.subscription.equals("both")) n++;
        }
        return n;
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private Map<String, Item> rosterOf(String user) {
        return rosters.computeIfAbsent(user, k -> new ConcurrentHashMap<>());
    }

    private Online find(Peer p) {
        for (Online o : online.getOrDefault(bare(p.jid()), List.of())) {
            if (o.peer == p) return o;
        }
        return null;
    }

    private static void send(Online o, Element stanza) {
        StringBuilder sb = new StringBuilder(256);
        XmlWriter.write(stanza.withAttr("to", o.peer.jid()), Namespaces.CLIENT, sb);
        o.peer.deliver(sb);
    }

    private static Element subscription(String from, String type) {
        return Element.builder("presence", Namespaces.CLIENT).attr("from", from).attr("type", type).build();
    }

    private static void itemXml(StringBuilder sb, String jid, Item item) {
        sb.append("<item jid='").append(jid).append("' subscription='").append(item.subscription).append('\'');
        if (item.ask) sb.append(" ask='subscribe'");
        sb.append("/>");
    }

    static String bare(String jid) {
        int slash = jid.indexOf('/');
        return (slash < 0 ? jid : jid.substring(0, slash)).toLowerCase(Locale.ROOT);
    }
}
