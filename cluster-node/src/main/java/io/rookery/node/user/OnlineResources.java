package io.rookery.node.user;

import io.rookery.node.ext.ResourceFlags;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The in-memory half of a user entity: bound resources, their sessions and last presence, and the RFC 6121 §8
 * delivery rules for stanzas addressed to the user. Not persisted: sessions register again after a restart.
 */
final class OnlineResources {

    /** A bound resource; presence is null until the session sends initial presence (it is then "available"). */
    private static final class Resource {
        final ActorRef<SessionProtocol.Message> session;
        Element presence;
        int priority;
        boolean interested;
        boolean carbons;
        boolean blocklist; // XEP-0191: asked for the blocklist, so gets its pushes

        Resource(ActorRef<SessionProtocol.Message> session) {
            this.session = session;
        }

        boolean available() {
            return presence != null;
        }
    }

    private final Jid bare;
    private final StanzaRouter router;
    // Allocated on first bind: most entities in memory at any moment are offline users.
    private Map<String, Resource> resources;
    // XEP-0012: when the last available resource went away; -1 when unknown (no session since the entity started).
    private long lastGoneMillis = -1;

    OnlineResources(Jid bare, StanzaRouter router) {
        this.bare = bare;
        this.router = router;
    }

    boolean isEmpty() {
        return resources == null || resources.isEmpty();
    }

    /** Returns the session this one replaced under that resource, or null. */
    ActorRef<SessionProtocol.Message> bind(String resource, ActorRef<SessionProtocol.Message> session) {
        if (resources == null) resources = new HashMap<>(4);
        Resource previous = resources.put(resource, new Resource(session));
        // RFC 6120 §7.7.2.2: the server may terminate the existing session; the newer login wins (as in ejabberd).
        if (previous != null && !previous.session.equals(session)) {
            previous.session.tell(new SessionProtocol.Kicked(SessionProtocol.Kick.RESOURCE_CONFLICT));
            if (previous.available()) {
                broadcastUnavailable(resource);
                noteIfNoneAvailable();
            }
            return previous.session;
        }
        return null;
    }

    enum Reattached { ALREADY_BOUND, TAKEN, RESTORED }

    /**
     * A session bound before this entity restarted registers again with what it had: its last available presence
     * (null when unavailable) and its {@link ResourceFlags}. Nothing is broadcast: contacts and the user's other
     * resources saw that presence already. A resource another session holds now stays with it (the newer login).
     */
    Reattached reattach(String resource, ActorRef<SessionProtocol.Message> session, Element presence, int flags) {
        Resource existing = resources == null ? null : resources.get(resource);
        if (existing != null) return existing.session.equals(session) ? Reattached.ALREADY_BOUND : Reattached.TAKEN;
        if (resources == null) resources = new HashMap<>(4);
        Resource r = new Resource(session);
        r.presence = presence;
        r.priority = presence == null ? 0 : priorityOf(presence);
        r.interested = (flags & ResourceFlags.INTERESTED) != 0;
        r.carbons = (flags & ResourceFlags.CARBONS) != 0;
        r.blocklist = (flags & ResourceFlags.BLOCKLIST) != 0;
        resources.put(resource, r);
        return Reattached.RESTORED;
    }

    ActorRef<SessionProtocol.Message> sessionOf(String resource) {
        Resource r = resources == null ? null : resources.get(resource);
        return r == null ? null : r.session;
    }

    /** The user's available resources learn that one of theirs, not bound here, is gone. */
    void resourceGone(String resource) {
        if (resources != null) broadcastUnavailable(resource);
    }

    boolean available(String resource) {
        Resource r = resources == null ? null : resources.get(resource);
        return r != null && r.available();
    }

    /** Returns true when the resource was available, so contacts must learn it is gone. */
    boolean unbind(String resource, ActorRef<SessionProtocol.Message> session) {
        if (resources == null) return false;
        Resource r = resources.get(resource);
        if (r == null || !r.session.equals(session)) return false;
        resources.remove(resource);
        if (r.available()) {
            broadcastUnavailable(resource);
            noteIfNoneAvailable();
        }
        if (resources.isEmpty()) resources = null;
        return r.available();
    }

    void closeAll(SessionProtocol.Kick reason) {
        if (resources == null) return;
        for (Resource r : resources.values()) r.session.tell(new SessionProtocol.Kicked(reason));
        resources = null;
    }

    enum PresenceChange { INITIAL, UPDATED, UNAVAILABLE, IGNORED }

    /** RFC 6121 §4.2.2 and §4.5.2: the user's own presence goes to all of the user's available resources. */
    PresenceChange ownPresence(String resource, Element presence) {
        if (resources == null) return PresenceChange.IGNORED;
        Resource r = resources.get(resource);
        if (r == null) return PresenceChange.IGNORED;
        String type = presence.attr("type");
        if (type == null) {
            boolean initial = !r.available();
            r.presence = presence;
            r.priority = priorityOf(presence);
            broadcastToAvailable(presence);
            return initial ? PresenceChange.INITIAL : PresenceChange.UPDATED;
        } else if ("unavailable".equals(type)) {
            if (!r.available()) return PresenceChange.IGNORED;
            broadcastToAvailable(presence);
            r.presence = null;
            noteIfNoneAvailable();
            return PresenceChange.UNAVAILABLE;
        }
        return PresenceChange.IGNORED;
    }

    private void noteIfNoneAvailable() {
        if (resources == null) return;
        for (Resource r : resources.values()) if (r.available()) return;
        lastGoneMillis = System.currentTimeMillis();
    }

    /**
     * XEP-0012 §4: 0 while a resource is available, else the seconds since the last one went away; -1 when that is
     * not known. Kept in memory only: after a restart or passivation of the entity it is unknown again.
     */
    long lastActivitySeconds() {
        if (resources != null) for (Resource r : resources.values()) if (r.available()) return 0;
        return lastGoneMillis < 0 ? -1 : (System.currentTimeMillis() - lastGoneMillis) / 1000;
    }

    /** A module's {@link ResourceFlags} change for a bound resource (nothing when it is not bound). */
    void setFlags(String resource, int set, int cleared) {
        Resource r = resources == null ? null : resources.get(resource);
        if (r == null) return;
        int flags = (flags(r) | set) & ~cleared;
        r.interested = (flags & ResourceFlags.INTERESTED) != 0;
        r.carbons = (flags & ResourceFlags.CARBONS) != 0;
        r.blocklist = (flags & ResourceFlags.BLOCKLIST) != 0;
    }

    private static int flags(Resource r) {
        return (r.interested ? ResourceFlags.INTERESTED : 0) | (r.carbons ? ResourceFlags.CARBONS : 0)
                | (r.blocklist ? ResourceFlags.BLOCKLIST : 0);
    }

    /** The bound resources as the modules see them. */
    List<io.rookery.node.ext.BoundResource> resources() {
        if (resources == null) return List.of();
        List<io.rookery.node.ext.BoundResource> all = new ArrayList<>(resources.size());
        resources.forEach((name, r) -> all.add(new io.rookery.node.ext.BoundResource(name, r.available(), r.priority,
                flags(r))));
        return all;
    }

    /** Told which resources a message addressed to the user went to (the modules' STANZA_RECEIVED hook); null
     * when no module listens. */
    @FunctionalInterface
    interface Delivered {
        void to(Element message, List<String> resources);
    }

    int priority(String resource) {
        Resource r = resources == null ? null : resources.get(resource);
        return r == null ? 0 : r.priority;
    }

    /** XEP-0191 §3.3: sessions refuse the user's stanzas to blocked JIDs themselves, from this copy. */
    void updateBlocklist(java.util.Set<String> blocklist) {
        if (resources == null) return;
        for (Resource r : resources.values()) r.session.tell(new SessionProtocol.BlocklistUpdated(blocklist));
    }

    void markInterested(String resource) {
        Resource r = resources == null ? null : resources.get(resource);
        if (r != null) r.interested = true;
    }

    void markBlocklistInterested(String resource) {
        Resource r = resources == null ? null : resources.get(resource);
        if (r != null) r.blocklist = true;
    }

    void forEachBlocklistInterested(java.util.function.BiConsumer<String, ActorRef<SessionProtocol.Message>> action) {
        if (resources == null) return;
        resources.forEach((name, r) -> {
            if (r.blocklist) action.accept(full(name), r.session);
        });
    }

    void forEachInterested(java.util.function.BiConsumer<String, ActorRef<SessionProtocol.Message>> action) {
        if (resources == null) return;
        resources.forEach((name, r) -> {
            if (r.interested) action.accept(full(name), r.session);
        });
    }

    void sendTo(String resource, Element stanza) {
        Resource r = resources == null ? null : resources.get(resource);
        if (r != null) r.session.tell(new SessionProtocol.Deliver(stanza));
    }

    /** Delivers to every available resource, with 'to' set to each one's full JID. */
    void deliverToAvailable(Element stanza) {
        if (resources == null) return;
        resources.forEach((name, r) -> {
            if (r.available()) r.session.tell(new SessionProtocol.Deliver(stanza.withAttr("to", full(name))));
        });
    }

    /** Calls back with each available resource's last presence; false when none is available. */
    boolean forEachAvailablePresence(java.util.function.Consumer<Element> action) {
        if (resources == null) return false;
        boolean any = false;
        for (Resource r : resources.values()) {
            if (r.available()) {
                any = true;
                action.accept(r.presence);
            }
        }
        return any;
    }

    /** Unavailable presence from one of the user's resources. */
    Element unavailableOf(String resource) {
        return Element.builder("presence", Namespaces.CLIENT).attr("from", full(resource))
                .attr("type", "unavailable").build();
    }

    /** Tells a contact that each of the user's available resources is unavailable to it now. */
    void sendUnavailableFromEachResource(Jid contact) {
        if (resources == null) return;
        resources.forEach((name, r) -> {
            if (r.available()) router.route(unavailableOf(name).withAttr("to", contact.toString()), contact);
        });
    }

    private void broadcastUnavailable(String resource) {
        Element unavailable = unavailableOf(resource);
        broadcastToAvailable(unavailable);
    }

    private void broadcastToAvailable(Element presence) {
        for (Map.Entry<String, Resource> e : resources.entrySet()) {
            Resource r = e.getValue();
            if (r.available()) {
                r.session.tell(new SessionProtocol.Deliver(
                        presence.withAttr("to", full(e.getKey()))));
            }
        }
    }

    /** Resources arrive already prepared by the binding session (RFC 7622 OpaqueString). */
    private String full(String resource) {
        return bare + "/" + resource;
    }

    /** RFC 6121 §8.5: delivery of a stanza addressed to this user's bare or full JID. */
    /** Returns true when a message found no resource and belongs in offline storage (XEP-0160). */
    boolean deliver(Element stanza, Jid to, boolean accountExists, long routedAtMicros, Delivered delivered) {
        String kind = stanza.name();
        String type = stanza.attr("type");
        if (!accountExists) {
            // §8.5.1: no such user. Presence is dropped, errors are never answered with errors.
            if (!"presence".equals(kind) && !"error".equals(type) && !"result".equals(type)) bounce(stanza);
            return false;
        }
        if (to.isFull()) {
            Resource r = resources == null ? null : resources.get(to.resource());
            if (r != null) {
                r.session.tell(new SessionProtocol.Deliver(stanza, routedAtMicros));
                if ("message".equals(kind) && delivered != null) delivered.to(stanza, List.of(to.resource()));
                return false;
            }
            switch (kind) {
                case "message" -> {
                    // §8.5.3.2.1: a message to an unavailable resource is handled as if sent to the bare JID,
                    // except groupchat (error) and error (dropped).
                    if ("groupchat".equals(type)) bounce(stanza);
                    else if (!"error".equals(type)) return deliverToBare(stanza, type, routedAtMicros, delivered);
                }
                case "iq" -> {
                    if ("get".equals(type) || "set".equals(type)) bounce(stanza);
                }
                default -> { } // §8.5.3.2.3: presence to an unavailable resource is dropped
            }
            return false;
        }
        switch (kind) {
            case "message" -> {
                return deliverToBare(stanza, type, routedAtMicros, delivered);
            }
            case "presence" -> {
                // Directed presence to the bare JID reaches every available resource (§4.6).
                if (resources != null) {
                    for (Map.Entry<String, Resource> e : resources.entrySet()) {
                        if (e.getValue().available()) {
                            e.getValue().session.tell(new SessionProtocol.Deliver(stanza, routedAtMicros));
                        }
                    }
                }
            }
            case "iq" -> {
                // §8.5.2.1.3 / RFC 6120 §10.5.4: the server answers iq sent to the bare JID on the user's behalf;
                // the entity has tried its own handlers and the modules' before it comes here.
                if ("get".equals(type) || "set".equals(type)) bounce(stanza);
            }
            default -> { }
        }
        return false;
    }

    private boolean deliverToBare(Element message, String type, long routedAtMicros, Delivered delivered) {
        if ("groupchat".equals(type)) {
            // §8.5.2.1.1 / §8.5.2.2.1: groupchat to a bare JID is an error, whoever is online.
            bounce(message);
            return false;
        }
        if ("error".equals(type)) return false;
        List<Resource> targets = new ArrayList<>(2);
        if (resources != null) {
            if ("headline".equals(type)) {
                // §8.5.2.1.1: headline goes to all resources with non-negative priority.
                for (Resource r : resources.values()) if (r.available() && r.priority >= 0) targets.add(r);
            } else {
                // normal and chat: the available resource(s) with the highest non-negative priority.
                int best = Integer.MIN_VALUE;
                for (Resource r : resources.values()) {
                    if (!r.available() || r.priority < 0) continue;
                    if (r.priority > best) {
                        best = r.priority;
                        targets.clear();
                    }
                    if (r.priority == best) targets.add(r);
                }
            }
        }
        if (targets.isEmpty()) {
            // §8.5.2.2.1: normal and chat go to offline storage; headline is dropped; groupchat was bounced.
            return "normal".equals(type) || "chat".equals(type) || type == null;
        }
        for (Resource r : targets) r.session.tell(new SessionProtocol.Deliver(message, routedAtMicros));
        if (delivered != null) {
            List<String> names = new ArrayList<>(targets.size());
            resources.forEach((name, r) -> {
                if (targets.contains(r)) names.add(name);
            });
            delivered.to(message, names);
        }
        return false;
    }

    void bounce(Element stanza) {
        router.route(Stanzas.errorReply(stanza, StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE)));
    }

    private static int priorityOf(Element presence) {
        String p = presence.childText("priority", Namespaces.CLIENT);
        if (p == null || p.isBlank()) return 0;
        try {
            int v = Integer.parseInt(p.trim());
            return Math.max(-128, Math.min(127, v));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
