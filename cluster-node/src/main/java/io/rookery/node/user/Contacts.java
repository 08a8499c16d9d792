package io.rookery.node.user;

import io.rookery.node.ext.CoreFeature;
import io.rookery.persistence.roster.RosterItem;
import io.rookery.persistence.roster.RosterItemRemoved;
import io.rookery.persistence.roster.RosterItemSaved;
import io.rookery.persistence.roster.Subscription;
import io.rookery.persistence.roster.SubscriptionRequestCleared;
import io.rookery.persistence.roster.SubscriptionRequestStored;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The roster (RFC 6121 §2, XEP-0237 versioning) and the subscription state machine (RFC 6121 §3) of one account:
 * decisions only, returned as an {@link Outcome} of events to persist and stanzas to send afterwards.
 */
final class Contacts {
    static final int MAX_NAME_LENGTH = 1024;
    static final int MAX_GROUPS = 64;

    private final Jid user;
    private final StanzaRouter router;
    private final OnlineResources online;
    private final UserEntity.Limits limits;
    private final io.rookery.node.metrics.NodeMetrics metrics;

    Contacts(Jid user, StanzaRouter router, OnlineResources online, UserEntity.Limits limits,
            io.rookery.node.metrics.NodeMetrics metrics) {
        this.user = user;
        this.router = router;
        this.online = online;
        this.limits = limits;
        this.metrics = metrics;
    }

    // ---- §2.1.3 roster get ----------------------------------------------------------------------------------

    Outcome rosterGet(UserState state, String resource, Element iq) {
        online.markInterested(resource);
        Element query = iq.child("query", Namespaces.ROSTER);
        boolean versioned = versioning();
        String ver = query.attr("ver");
        String current = versioned ? Long.toString(state.rosterVersion) : null;
        Element reply;
        if (versioned && current.equals(ver)) {
            // XEP-0237 §2.4: nothing changed since that version: an empty result, changes follow as pushes.
            reply = Stanzas.iqResult(iq, null);
        } else {
            Element.Builder q = Element.builder("query", Namespaces.ROSTER).attr("ver", current);
            for (RosterItem item : state.rosterItems()) q.child(itemElement(item));
            reply = Stanzas.iqResult(iq, q.build());
        }
        final Element r = reply;
        return new Outcome().then(() -> online.sendTo(resource, r));
    }

    // ---- §2.3 roster set / §2.5 delete ----------------------------------------------------------------------

    Outcome rosterSet(UserState state, String resource, Element iq) {
        Element query = iq.child("query", Namespaces.ROSTER);
        List<Element> items = query.children("item", Namespaces.ROSTER);
        if (items.size() != 1) return error(resource, iq, StanzaErrorCondition.BAD_REQUEST);
        Element item = items.get(0);
        Jid contact;
        try {
            contact = Jid.parse(item.attr("jid") == null ? "" : item.attr("jid"));
        } catch (InvalidJidException e) {
            return error(resource, iq, StanzaErrorCondition.JID_MALFORMED);
        }
        if (contact.isFull()) return error(resource, iq, StanzaErrorCondition.BAD_REQUEST);
        String jid = contact.toString();
        RosterItem existing = state.rosterItem(jid);
        long version = state.rosterVersion + 1;
        Outcome out = new Outcome();
        if ("remove".equals(item.attr("subscription"))) {
            if (existing == null) return error(resource, iq, StanzaErrorCondition.ITEM_NOT_FOUND);
            out.persist(new RosterItemRemoved(jid, version));
            boolean pendingIn = state.pendingIn(jid) != null;
            if (pendingIn) out.persist(new SubscriptionRequestCleared(jid));
            Subscription s = existing.subscription();
            // §2.5.2: cancel and revoke whatever subscriptions the item carried.
            if (s == Subscription.TO || s == Subscription.BOTH || existing.pendingOut()) {
                out.then(() -> sendSubscription(contact, "unsubscribe"));
            }
            if (s == Subscription.FROM || s == Subscription.BOTH || pendingIn) {
                out.then(() -> sendSubscription(contact, "unsubscribed"));
            }
            Element push = pushOf(removedItem(jid), version);
            return out.then(() -> online.sendTo(resource, Stanzas.iqResult(iq, null))).then(() -> push(push));
        }
        String name = item.attr("name");
        if (name != null && name.length() > MAX_NAME_LENGTH) return error(resource, iq, StanzaErrorCondition.NOT_ACCEPTABLE);
        List<String> groups = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Element g : item.children("group", Namespaces.ROSTER)) {
            String group = g.text();
            // §2.3.3: empty group names are not acceptable, duplicates a bad request.
            if (group.isEmpty()) return error(resource, iq, StanzaErrorCondition.NOT_ACCEPTABLE);
            if (!seen.add(group)) return error(resource, iq, StanzaErrorCondition.BAD_REQUEST);
            groups.add(group);
        }
        if (groups.size() > MAX_GROUPS) return error(resource, iq, StanzaErrorCondition.NOT_ACCEPTABLE);
        // The client cannot set subscription states (§2.1.2.5): keep the server's.
        RosterItem updated = existing == null
                ? new RosterItem(jid, name, groups, Subscription.NONE, false, false)
                : existing.withNameAndGroups(name, groups);
        if (!fits(state, existing, updated)) return error(resource, iq, StanzaErrorCondition.NOT_ALLOWED);
        out.persist(new RosterItemSaved(updated, version));
        Element push = pushOf(itemElement(updated), version);
        return out.then(() -> online.sendTo(resource, Stanzas.iqResult(iq, null))).then(() -> push(push));
    }

    // ---- §3 subscriptions sent by the user ------------------------------------------------------------------

    /** A subscription presence from one of the user's sessions, addressed to a contact (§3.1.2, §3.2.2, §3.3.2). */
    Outcome outbound(UserState state, Element presence, Jid contactFull) {
        Jid contact = contactFull.bare();
        String jid = contact.toString();
        String type = presence.attr("type");
        RosterItem item = state.rosterItem(jid);
        RosterItem base = item != null ? item : new RosterItem(jid, null, List.of(), Subscription.NONE, false, false);
        Outcome out = new Outcome();
        if (item == null && !fits(state, null, base) && presence.attr("from") != null) {
            // A subscription would add an item to a full roster: refused, the user's client told.
            String resource = presence.attr("from").contains("/")
                    ? presence.attr("from").substring(presence.attr("from").indexOf('/') + 1) : null;
            Element refused = Stanzas.errorReply(presence.withAttr("to", jid),
                    StanzaError.of(StanzaErrorCondition.NOT_ALLOWED));
            if (resource != null) out.then(() -> online.sendTo(resource, refused));
            return out;
        }
        Element stamped = presence.withAttr("from", user.toString()).withAttr("to", jid);
        switch (type) {
            case "subscribe" -> {
                if (base.subscription() == Subscription.TO || base.subscription() == Subscription.BOTH) {
                    out.then(() -> router.route(stamped, contact));
                    return out;
                }
                if (!base.pendingOut()) save(out, state, base.withPendingOut(true));
                out.then(() -> router.route(stamped, contact));
            }
            case "subscribed" -> {
                if (state.pendingIn(jid) != null) {
                    Subscription s = base.subscription() == Subscription.TO ? Subscription.BOTH
                            : base.subscription() == Subscription.NONE ? Subscription.FROM : base.subscription();
                    out.persist(new SubscriptionRequestCleared(jid));
                    save(out, state, base.withSubscription(s).withApproved(false));
                    out.then(() -> router.route(stamped, contact));
                    // §3.1.5: the new subscriber gets the user's current presence.
                    out.then(() -> online.forEachAvailablePresence(p -> router.route(p.withAttr("to", jid), contact)));
                } else if ((base.subscription() == Subscription.NONE || base.subscription() == Subscription.TO)
                        && router.modules().enabled(CoreFeature.SUBSCRIPTION_PRE_APPROVAL)) {
                    // §3.4: pre-approval of a request that has not arrived yet (ignored where not offered, §3.4.1).
                    if (!base.approved()) save(out, state, base.withApproved(true));
                }
            }
            case "unsubscribe" -> {
                Subscription s = base.subscription() == Subscription.BOTH ? Subscription.FROM
                        : base.subscription() == Subscription.TO ? Subscription.NONE : base.subscription();
                if (item != null && (s != base.subscription() || base.pendingOut())) {
                    save(out, state, base.withSubscription(s).withPendingOut(false));
                }
                out.then(() -> router.route(stamped, contact));
            }
            case "unsubscribed" -> {
                boolean pendingIn = state.pendingIn(jid) != null;
                Subscription s = base.subscription() == Subscription.BOTH ? Subscription.TO
                        : base.subscription() == Subscription.FROM ? Subscription.NONE : base.subscription();
                if (pendingIn) out.persist(new SubscriptionRequestCleared(jid));
                if (item != null && (s != base.subscription() || base.approved())) {
                    save(out, state, base.withSubscription(s).withApproved(false));
                }
                out.then(() -> router.route(stamped, contact));
                // §3.2.2: the former subscriber learns the user is no longer available to it.
                if (s != base.subscription()) {
                    out.then(() -> online.sendUnavailableFromEachResource(contact));
                }
            }
            default -> { }
        }
        return out;
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Contacts.class);
    private static final io.rookery.node.limits.RateLimitedLog LIMITED_LOG = new io.rookery.node.limits.RateLimitedLog();

    /** Metric and (at most every ten seconds) a log line for a request the account's limits refused or trimmed. */
    private void limited(String reason, String from) {
        if (metrics != null) metrics.subscriptionRequestLimited(reason);
        long events = LIMITED_LOG.event(System.nanoTime());
        if (events > 0) {
            LOG.warn("subscription-request-limited jid={} from={} reason={} events={}", user, from, reason, events);
        }
    }

    // ---- §3 subscriptions arriving from a contact ------------------------------------------------------------

    Outcome inbound(UserState state, Element presence) {
        Jid from = bareSender(presence);
        if (from == null) return new Outcome();
        String jid = from.toString();
        RosterItem item = state.rosterItem(jid);
        Subscription sub = item == null ? Subscription.NONE : item.subscription();
        Outcome out = new Outcome();
        Element stamped = presence.withAttr("from", jid).withAttr("to", user.toString());
        switch (presence.attr("type")) {
            case "subscribe" -> {
                if (sub == Subscription.FROM || sub == Subscription.BOTH) {
                    // §3.1.3: already subscribed: answer on the user's behalf.
                    out.then(() -> sendSubscription(from, "subscribed"));
                } else if (item != null && item.approved()
                        && router.modules().enabled(CoreFeature.SUBSCRIPTION_PRE_APPROVAL)) {
                    // §3.4: pre-approved.
                    Subscription s = sub == Subscription.TO ? Subscription.BOTH : Subscription.FROM;
                    save(out, state, item.withSubscription(s).withApproved(false));
                    out.then(() -> sendSubscription(from, "subscribed"));
                    out.then(() -> online.forEachAvailablePresence(p -> router.route(p.withAttr("to", jid), from)));
                } else if (state.pendingIn(jid) == null) {
                    if (state.pendingInCount() >= limits.maxPendingSubscriptionRequests()) {
                        // Anyone may ask: the requests an account keeps are bounded, the sender told to retry later.
                        limited("count", jid);
                        out.then(() -> router.route(Stanzas.errorReply(presence,
                                StanzaError.of(StanzaErrorCondition.RESOURCE_CONSTRAINT))));
                        return out;
                    }
                    // Kept until the user answers; delivered now to available resources, later at initial presence.
                    String xml = StoredXml.write(stamped);
                    if (xml.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > limits.maxStoredSubscriptionRequestBytes()) {
                        // A request too large to keep in the account is kept without its payload.
                        limited("size", jid);
                        xml = StoredXml.write(stamped.withChildren(java.util.List.of()));
                    }
                    out.persist(new SubscriptionRequestStored(jid, xml));
                    out.then(() -> online.deliverToAvailable(stamped));
                }
            }
            case "subscribed" -> {
                if (item != null && item.pendingOut()) {
                    Subscription s = sub == Subscription.FROM ? Subscription.BOTH
                            : sub == Subscription.NONE ? Subscription.TO : sub;
                    save(out, state, item.withSubscription(s).withPendingOut(false));
                    out.then(() -> online.deliverToAvailable(stamped));
                }
            }
            case "unsubscribe" -> {
                if (state.pendingIn(jid) != null) out.persist(new SubscriptionRequestCleared(jid));
                if (sub == Subscription.FROM || sub == Subscription.BOTH) {
                    Subscription s = sub == Subscription.BOTH ? Subscription.TO : Subscription.NONE;
                    save(out, state, item.withSubscription(s));
                    out.then(() -> online.deliverToAvailable(stamped));
                    out.then(() -> online.sendUnavailableFromEachResource(from));
                }
            }
            case "unsubscribed" -> {
                if (item != null && (sub == Subscription.TO || sub == Subscription.BOTH || item.pendingOut())) {
                    Subscription s = sub == Subscription.BOTH ? Subscription.FROM
                            : sub == Subscription.TO ? Subscription.NONE : sub;
                    save(out, state, item.withSubscription(s).withPendingOut(false));
                    out.then(() -> online.deliverToAvailable(stamped));
                }
            }
            default -> { }
        }
        return out;
    }

    /** §4.3.2: a probe is answered with the user's presence only for subscribers. */
    void answerProbe(UserState state, Element probe) {
        Jid from = bareSender(probe);
        if (from == null) return;
        RosterItem item = state.rosterItem(from.toString());
        Subscription sub = item == null ? Subscription.NONE : item.subscription();
        if (sub != Subscription.FROM && sub != Subscription.BOTH) {
            sendSubscription(from, "unsubscribed");
            return;
        }
        if (!online.forEachAvailablePresence(p -> router.route(p.withAttr("to", from.toString()), from))) {
            router.route(Element.builder("presence", Namespaces.CLIENT).attr("from", user.toString())
                    .attr("to", from.toString()).attr("type", "unavailable").build(), from);
        }
    }

    /** Contacts whose subscription lets them see the user's presence (from, both). */
    List<Jid> subscribers(UserState state) {
        List<Jid> out = new ArrayList<>();
        for (RosterItem i : state.rosterItems()) {
            if (i.subscription() == Subscription.FROM || i.subscription() == Subscription.BOTH) add(out, i.jid());
        }
        return out;
    }

    /** Contacts whose presence the user sees (to, both): probed at initial presence. */
    List<Jid> subscriptions(UserState state) {
        List<Jid> out = new ArrayList<>();
        for (RosterItem i : state.rosterItems()) {
            if (i.subscription() == Subscription.TO || i.subscription() == Subscription.BOTH) add(out, i.jid());
        }
        return out;
    }

    private static void add(List<Jid> out, String jid) {
        try {
            out.add(Jid.parse(jid));
        } catch (InvalidJidException e) {
            // Items were validated when saved.
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** The bare JID a stanza came from; null when it has no usable 'from' (the router stamped it, so: never). */
    private static Jid bareSender(Element stanza) {
        String from = stanza.attr("from");
        if (from == null) return null;
        try {
            return Jid.parse(from).bare();
        } catch (InvalidJidException e) {
            return null;
        }
    }

    private void save(Outcome out, UserState state, RosterItem item) {
        long version = state.rosterVersion + 1 + countSaves(out);
        out.persist(new RosterItemSaved(item, version));
        Element push = pushOf(itemElement(item), version);
        out.then(() -> push(push));
    }

    private static long countSaves(Outcome out) {
        return out.events.stream().filter(e -> e instanceof RosterItemSaved || e instanceof RosterItemRemoved).count();
    }

    private void sendSubscription(Jid contact, String type) {
        router.route(Element.builder("presence", Namespaces.CLIENT).attr("from", user.toString())
                .attr("to", contact.toString()).attr("type", type).build(), contact);
    }

    /** §2.1.6: pushes go to every resource that asked for the roster in this session. */
    private void push(Element pushPayload) {
        online.forEachInterested((full, session) -> session.tell(new SessionProtocol.Deliver(
                Element.builder("iq", Namespaces.CLIENT).attr("type", "set").attr("to", full)
                        .attr("id", "push" + Long.toHexString(System.nanoTime())).child(pushPayload).build())));
    }

    private Element pushOf(Element item, long version) {
        return Element.builder("query", Namespaces.ROSTER).attr("ver", versioning() ? Long.toString(version) : null)
                .child(item).build();
    }

    /** XEP-0237 is offered (its module is enabled): results and pushes carry the roster's version. */
    private boolean versioning() {
        return router.modules().enabled(CoreFeature.ROSTER_VERSIONING);
    }

    static Element itemElement(RosterItem item) {
        Element.Builder b = Element.builder("item", Namespaces.ROSTER).attr("jid", item.jid())
                .attr("name", item.name()).attr("subscription", item.subscription().value());
        if (item.pendingOut()) b.attr("ask", "subscribe");
        if (item.approved()) b.attr("approved", "true");
        for (String g : item.groups()) b.child(Element.builder("group", Namespaces.ROSTER).text(g).build());
        return b.build();
    }

    private static Element removedItem(String jid) {
        return Element.builder("item", Namespaces.ROSTER).attr("jid", jid).attr("subscription", "remove").build();
    }

    /** Whether the roster stays within its limits with {@code updated} in place of {@code existing} (null: new). */
    private boolean fits(UserState state, RosterItem existing, RosterItem updated) {
        int count = state.rosterCount() + (existing == null ? 1 : 0);
        long bytes = state.rosterBytes() - (existing == null ? 0 : UserState.sizeOf(existing)) + UserState.sizeOf(updated);
        if (count <= limits.maxRosterItems() && bytes <= limits.maxRosterBytes()) return true;
        if (metrics != null) metrics.rosterItemRefused();
        long events = ROSTER_LOG.event(System.nanoTime());
        if (events > 0) LOG.warn("roster-full jid={} items={} bytes={} events={}", user, count - 1, bytes, events);
        return false;
    }

    private static final io.rookery.node.limits.RateLimitedLog ROSTER_LOG = new io.rookery.node.limits.RateLimitedLog();

    private Outcome error(String resource, Element iq, StanzaErrorCondition c) {
        Element reply = Stanzas.errorReply(iq, StanzaError.of(c));
        return new Outcome().then(() -> online.sendTo(resource, reply));
    }
}
