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
 * The in-memory half of a user entity: bound resources, their sessions, last presence and flags, and the delivery
 * to them that {@link DeliveryRules} decides. Not persisted: sessions register again after a restart.
 */
final class OnlineResources {

    /** A bound resource; presence is null until the session sends initial presence (it is then "available"). */
    private static final class Resource {
        ActorRef<SessionProtocol.Message> session;
        Element presence;
        int priority;
        int flags; // ResourceFlags
        /** What this resource's session was last told with {@link SessionProtocol.SentCopies}. */
        boolean sentCopies;

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
        r.flags = flags;
        resources.put(resource, r);
        return Reattached.RESTORED;
    }

    /**
     * XEP-0198 §5: the successor takes the resource over from the predecessor with everything it had (presence,
     * priority, flags); false when the resource is not the predecessor's (any more).
     */
    boolean swap(String resource, ActorRef<SessionProtocol.Message> predecessor,
            ActorRef<SessionProtocol.Message> successor) {
        Resource r = resources == null ? null : resources.get(resource);
        if (r == null || !r.session.equals(predecessor)) return false;
        r.session = successor;
        // The successor has a connection: the resource is no longer waiting to be resumed.
        r.flags &= ~io.rookery.node.ext.ResourceFlags.DETACHED;
        return true;
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
        if (r != null) r.flags = (r.flags | set) & ~cleared;
    }

    /**
     * Tells each session whose answer changed whether the account wants the chat messages it sends: {@code mask}
     * as {@link io.rookery.node.ext.Modules#sentCopiesMask}. Call after every bind, unbind and flag change.
     */
    void refreshSentCopies(int mask) {
        if (resources == null || mask == 0) return;
        resources.forEach((name, r) -> {
            boolean wanted = mask == -1 || othersHave(name, mask);
            if (wanted != r.sentCopies) {
                r.sentCopies = wanted;
                r.session.tell(wanted ? SessionProtocol.SentCopies.WANTED : SessionProtocol.SentCopies.NOT_WANTED);
            }
        });
    }

    private boolean othersHave(String resource, int mask) {
        for (Map.Entry<String, Resource> e : resources.entrySet()) {
            if ((e.getValue().flags & mask) != 0 && !e.getKey().equals(resource)) return true;
        }
        return false;
    }

    /** The bound resources as the modules see them. */
    List<io.rookery.node.ext.BoundResource> resources() {
        if (resources == null) return List.of();
        List<io.rookery.node.ext.BoundResource> all = new ArrayList<>(resources.size());
        resources.forEach((name, r) -> all.add(new io.rookery.node.ext.BoundResource(name, r.presence, r.priority,
                r.flags)));
        return all;
    }

    int priority(String resource) {
        Resource r = resources == null ? null : resources.get(resource);
        return r == null ? 0 : r.priority;
    }

    /** Tells every bound session (a copy of a filtered part, {@link SessionProtocol.PartMirrored}). */
    void tellAll(SessionProtocol.Message message) {
        if (resources == null) return;
        for (Resource r : resources.values()) r.session.tell(message);
    }

    void markInterested(String resource) {
        setFlags(resource, ResourceFlags.INTERESTED, 0);
    }

    void forEachInterested(java.util.function.BiConsumer<String, ActorRef<SessionProtocol.Message>> action) {
        if (resources == null) return;
        resources.forEach((name, r) -> {
            if ((r.flags & ResourceFlags.INTERESTED) != 0) action.accept(full(name), r.session);
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

    // ---- delivery, as DeliveryRules decided (RFC 6121 §8.5) -----------------------------------------------------

    /** Set by the last {@link #deliverMessage}: a session confirms the message to its sender. */
    boolean confirmationDelegated;
    /** The session the last delegated confirmation went to. */
    ActorRef<SessionProtocol.Message> delegatedTo;

    /** Whether the session is bound to one of the resources. */
    boolean holds(ActorRef<SessionProtocol.Message> session) {
        if (resources == null) return false;
        for (Resource r : resources.values()) if (r.session.equals(session)) return true;
        return false;
    }

    boolean bound(String resource) {
        return resources != null && resources.containsKey(resource);
    }

    /** §8.5.3.1: to the session of that resource (bound: checked by the caller). */
    void deliverTo(String resource, Element stanza, long routedAtMicros) {
        deliverTo(resource, stanza, routedAtMicros, null, 0);
    }

    /**
     * The same, for a message whose sender waits for its confirmation (confirmTo, token; null: none): a session that
     * keeps its stream after a node loss confirms it itself, once kept. Returns whether that session does.
     */
    boolean deliverTo(String resource, Element stanza, long routedAtMicros,
            ActorRef<SessionProtocol.Message> confirmTo, long token) {
        Resource r = resources.get(resource);
        if (confirmTo != null && (r.flags & ResourceFlags.KEPT) != 0) {
            r.session.tell(new SessionProtocol.DeliverKept(stanza, routedAtMicros, confirmTo, token));
            delegatedTo = r.session;
            return true;
        }
        r.session.tell(new SessionProtocol.Deliver(stanza, routedAtMicros));
        return false;
    }

    /** §8.5.2.1.1: to the resources the rules pick; returns their names, empty when none took it. */
    List<String> deliverMessage(Element message, long routedAtMicros) {
        return deliverMessage(message, routedAtMicros, null, 0);
    }

    /**
     * The same, for a message whose sender waits for its confirmation (confirmTo, token; null: none); afterwards
     * {@link #confirmationDelegated} says whether a session that keeps its stream confirms it.
     */
    List<String> deliverMessage(Element message, long routedAtMicros, ActorRef<SessionProtocol.Message> confirmTo,
            long token) {
        confirmationDelegated = false;
        if (resources == null) return List.of();
        List<Map.Entry<String, Resource>> targets = DeliveryRules.messageTargets(message.attr("type"),
                resources.entrySet(), e -> e.getValue().available(), e -> e.getValue().priority);
        if (targets.isEmpty()) return List.of();
        List<String> names = new ArrayList<>(targets.size());
        for (Map.Entry<String, Resource> e : targets) {
            // One session that keeps its stream confirms the message to its sender (XEP-0198), the others just get it.
            if (confirmTo != null && (e.getValue().flags & ResourceFlags.KEPT) != 0) {
                e.getValue().session.tell(new SessionProtocol.DeliverKept(message, routedAtMicros, confirmTo, token));
                confirmTo = null;
                confirmationDelegated = true;
                delegatedTo = e.getValue().session;
            } else {
                e.getValue().session.tell(new SessionProtocol.Deliver(message, routedAtMicros));
            }
            names.add(e.getKey());
        }
        return names;
    }

    /** §8.5.2.1.2: presence to the bare JID reaches every available resource as addressed (directed, §4.6). */
    void presenceToAvailable(Element presence, long routedAtMicros) {
        if (resources == null) return;
        for (Resource r : resources.values()) {
            if (r.available()) r.session.tell(new SessionProtocol.Deliver(presence, routedAtMicros));
        }
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
