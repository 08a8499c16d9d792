package io.rookery.node.ext.muc;

import io.rookery.node.user.SessionProtocol;
import io.rookery.persistence.muc.AffiliationSet;
import io.rookery.persistence.muc.NickRegistered;
import io.rookery.persistence.muc.RoomConfigured;
import io.rookery.persistence.muc.RoomDestroyed;
import io.rookery.persistence.muc.RoomEvent;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.dataforms.DataForm;
import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xep.muc.Muc;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Iq to the room's bare JID: XEP-0030 info and items of the room (§6.4-§6.5), the moderator and admin requests of
 * §8-§9 (roles and affiliations, with the XEP's privilege tables), the owner's of §10 (configuration, destruction),
 * nick registration (§7.10), room pings and the room's XEP-0313 archive.
 */
final class RoomAdmin {
    private static final String ROOMUSER_NODE = "x-roomuser-item";
    private static final String SELF_PING_OPTIMIZATION = Muc.NS + "#self-ping-optimization";

    private final Room room;
    private final MucService.Shared shared;
    private final Occupancy occupancy;

    RoomAdmin(Room room, MucService.Shared shared, Occupancy occupancy) {
        this.room = room;
        this.shared = shared;
        this.occupancy = occupancy;
    }

    /** An error to the requester: {@code Step.run(() -> error)}. */
    private RoomEntity.Step refuse(Element iq, ActorRef<SessionProtocol.Message> session, StanzaErrorCondition c) {
        return RoomEntity.Step.run(() -> shared.io().error(iq, session, c));
    }

    private RoomEntity.Step result(Element iq, ActorRef<SessionProtocol.Message> session, Element payload) {
        return RoomEntity.Step.run(() -> shared.io().result(iq, session, payload));
    }

    RoomEntity.Step iq(Element iq, Jid from, ActorRef<SessionProtocol.Message> session) {
        String type = iq.attr("type");
        if (!"get".equals(type) && !"set".equals(type)) return RoomEntity.Step.NONE;
        if (iq.elements().size() != 1) return refuse(iq, session, StanzaErrorCondition.BAD_REQUEST);
        Occupant o = room.occupant(from);
        if (o != null) occupancy.sessionSeen(o, session);
        Element q = iq.elements().get(0);
        boolean get = "get".equals(type);
        if (!room.exists) return refuse(iq, session, StanzaErrorCondition.ITEM_NOT_FOUND);
        String ns = q.namespace();
        if (get && q.is("query", Disco.INFO)) {
            String node = q.attr("node");
            if (node == null) return result(iq, session, info());
            // §7.12: the nick the requester registered, as the identity of this node.
            if (node.equals(ROOMUSER_NODE)) {
                String nick = room.registeredNick(from);
                return result(iq, session, Disco.info(node, nick == null ? List.of()
                        : List.of(new Disco.Identity("conference", "text", nick)), List.of()));
            }
            return refuse(iq, session, StanzaErrorCondition.ITEM_NOT_FOUND);
        }
        if (get && q.is("query", Disco.ITEMS)) return result(iq, session, items(o));
        if (get && q.is("ping", io.rookery.protocol.xep.ping.Ping.NS)) return result(iq, session, null);
        if (q.is("query", Muc.ADMIN)) return get ? adminList(iq, q, from, o, session) : admin(iq, q, from, o, session);
        if (q.is("query", Muc.OWNER)) return get ? configForm(iq, from, session) : owner(iq, q, from, session);
        if (q.is("query", Muc.REGISTER)) return register(iq, q, from, get, session);
        if (q.is("query", io.rookery.protocol.xep.mam.Mam.NS)) return archive(iq, from, o, get, session);
        return refuse(iq, session, StanzaErrorCondition.SERVICE_UNAVAILABLE);
    }

    // ---- discovery --------------------------------------------------------------------------------------------

    private Element info() {
        List<String> features = new ArrayList<>(room.config.features());
        features.add(Disco.INFO);
        features.add(Disco.ITEMS);
        features.add(Muc.OCCUPANT_ID);
        features.add(Muc.REGISTER);
        features.add(Muc.REQUEST);
        features.add(SELF_PING_OPTIMIZATION);
        features.add(io.rookery.protocol.xep.sid.StanzaId.NS);
        if (room.config.logging()) features.add(io.rookery.protocol.xep.mam.Mam.NS);
        String name = room.config.name().isEmpty() ? room.jid.local() : room.config.name();
        Element query = Disco.info(null, List.of(new Disco.Identity("conference", "text", name)), features);
        List<io.rookery.protocol.xml.Node> children = new ArrayList<>(query.children());
        children.add(room.config.roomInfo(room.count(), room.subject));
        return query.withChildren(children);
    }

    /** §6.5: the occupants' JIDs, to occupants only (others learn nothing of who is there). */
    private Element items(Occupant requester) {
        List<Disco.Item> items = new ArrayList<>();
        if (requester != null) {
            for (Occupant o : room.occupants.values()) items.add(new Disco.Item(room.jid + "/" + o.nick, null, null));
        }
        return Disco.items(null, items);
    }

    // ---- §8-§9: roles and affiliations ------------------------------------------------------------------------

    private static int rank(Muc.Affiliation a) {
        return switch (a) {
            case OWNER -> 4;
            case ADMIN -> 3;
            case MEMBER -> 2;
            case NONE -> 1;
            case OUTCAST -> 0;
        };
    }

    /** A role change for an occupant, decided. */
    private record RoleChange(Occupant target, Muc.Role role, String reason) {}

    /** An affiliation change for a bare JID, decided. */
    private record AffChange(String jid, Muc.Affiliation affiliation, String reason) {}

    private RoomEntity.Step admin(Element iq, Element q, Jid from, Occupant actor,
            ActorRef<SessionProtocol.Message> session) {
        List<Muc.Item> items;
        try {
            items = Muc.adminItems(q);
        } catch (IllegalArgumentException e) {
            return refuse(iq, session, StanzaErrorCondition.BAD_REQUEST);
        }
        if (items.isEmpty()) return refuse(iq, session, StanzaErrorCondition.BAD_REQUEST);
        Muc.Affiliation mine = room.affiliation(from);
        List<RoleChange> roles = new ArrayList<>();
        List<AffChange> affs = new ArrayList<>();
        // Every item is checked before any is applied: a request is done whole or not at all.
        for (Muc.Item item : items) {
            StanzaErrorCondition refused = item.role() != null && item.affiliation() == null
                    ? role(item, mine, actor, roles) : affiliation(item, mine, affs);
            if (refused != null) return refuse(iq, session, refused);
        }
        // §10.6: the room keeps at least one owner.
        Set<String> owners = new HashSet<>(room.withAffiliation(Muc.Affiliation.OWNER));
        for (AffChange c : affs) {
            if (c.affiliation() == Muc.Affiliation.OWNER) owners.add(c.jid());
            else owners.remove(c.jid());
        }
        if (owners.isEmpty()) return refuse(iq, session, StanzaErrorCondition.CONFLICT);
        List<RoomEvent> events = new ArrayList<>();
        for (AffChange c : affs) events.add(new AffiliationSet(c.jid(), c.affiliation().value(), c.reason()));
        String actorNick = actor == null ? null : actor.nick;
        return RoomEntity.Step.persist(events, () -> {
            for (RoleChange c : roles) applyRole(c, actorNick);
            for (AffChange c : affs) applyAffiliation(c.jid(), c.affiliation(), c.reason(), actorNick);
            shared.io().result(iq, session, null);
            occupancy.afterRemoval();
        });
    }

    /** §8.2-§8.6, §9.6-§9.7: who may change whose role. Null when allowed (the change is added). */
    private StanzaErrorCondition role(Muc.Item item, Muc.Affiliation mine, Occupant actor, List<RoleChange> out) {
        if (item.nick() == null) return StanzaErrorCondition.BAD_REQUEST;
        if (actor == null || actor.role != Muc.Role.MODERATOR) return StanzaErrorCondition.FORBIDDEN;
        Occupant target = room.occupants.get(item.nick());
        if (target == null) return StanzaErrorCondition.ITEM_NOT_FOUND;
        Muc.Affiliation theirs = room.affiliation(target.jid);
        switch (item.role()) {
            case MODERATOR -> {
                if (!mine.atLeastAdmin()) return StanzaErrorCondition.FORBIDDEN;
            }
            case PARTICIPANT, VISITOR, NONE -> {
                // A moderator never lowers the role of someone affiliated at or above itself, nor an admin's.
                if (target != actor && (theirs.atLeastAdmin() || rank(theirs) >= rank(mine) && rank(mine) > 1)) {
                    return StanzaErrorCondition.NOT_ALLOWED;
                }
                if (target.role == Muc.Role.MODERATOR && item.role() != Muc.Role.NONE && !mine.atLeastAdmin()) {
                    return StanzaErrorCondition.FORBIDDEN;
                }
            }
        }
        out.add(new RoleChange(target, item.role(), item.reason()));
        return null;
    }

    /** §9.1-§9.8, §10.3-§10.7: who may change whose affiliation. Null when allowed (the change is added). */
    private StanzaErrorCondition affiliation(Muc.Item item, Muc.Affiliation mine, List<AffChange> out) {
        if (item.affiliation() == null) return StanzaErrorCondition.BAD_REQUEST;
        if (!mine.atLeastAdmin()) return StanzaErrorCondition.FORBIDDEN;
        String jid;
        if (item.jid() != null) {
            Jid j = Jid.parseOrNull(item.jid());
            if (j == null) return StanzaErrorCondition.JID_MALFORMED;
            jid = j.bare().toString();
        } else if (item.nick() != null) {
            Occupant o = room.occupants.get(item.nick());
            if (o == null) return StanzaErrorCondition.ITEM_NOT_FOUND;
            jid = o.jid.bare().toString();
        } else {
            return StanzaErrorCondition.BAD_REQUEST;
        }
        Muc.Affiliation current = room.affiliations.getOrDefault(jid, Muc.Affiliation.NONE);
        Muc.Affiliation next = item.affiliation();
        if (mine != Muc.Affiliation.OWNER) {
            // Only owners make or unmake owners and admins; an admin cannot touch one (§9.1, §10.3-§10.7).
            if (next.atLeastAdmin()) return StanzaErrorCondition.FORBIDDEN;
            if (current.atLeastAdmin()) return StanzaErrorCondition.NOT_ALLOWED;
        }
        out.add(new AffChange(jid, next, item.reason()));
        return null;
    }

    private void applyRole(RoleChange c, String actorNick) {
        Occupant target = c.target();
        if (!room.occupants.containsValue(target)) return;
        if (c.role() == Muc.Role.NONE) {
            occupancy.removeNow(target, List.of(Muc.Status.KICKED), actorNick, c.reason(), null, null);
            return;
        }
        target.role = c.role();
        room.occupantsChanged = true;
        occupancy.broadcast(target, null, List.of());
    }

    /** §9: what an affiliation change does to the user's occupants: banned (301), removed (321), or a new role. */
    private void applyAffiliation(String jid, Muc.Affiliation a, String reason, String actorNick) {
        for (Occupant o : new ArrayList<>(room.occupants.values())) {
            if (!o.jid.bare().toString().equals(jid)) continue;
            if (a == Muc.Affiliation.OUTCAST) {
                occupancy.removeNow(o, List.of(Muc.Status.BANNED), actorNick, reason, null, null);
            } else if (a == Muc.Affiliation.NONE && room.config.membersOnly()) {
                occupancy.removeNow(o, List.of(Muc.Status.AFFILIATION_REMOVED), actorNick, reason, null, null);
            } else {
                o.role = room.defaultRole(a);
                room.occupantsChanged = true;
                occupancy.broadcast(o, null, List.of());
            }
        }
    }

    /** §9.3, §9.5, §9.8, §10.5, §8.5: the lists, by affiliation (admins and owners) or by role (moderators). */
    private RoomEntity.Step adminList(Element iq, Element q, Jid from, Occupant o,
            ActorRef<SessionProtocol.Message> session) {
        List<Muc.Item> asked;
        try {
            asked = Muc.adminItems(q);
        } catch (IllegalArgumentException e) {
            return refuse(iq, session, StanzaErrorCondition.BAD_REQUEST);
        }
        if (asked.size() != 1) return refuse(iq, session, StanzaErrorCondition.BAD_REQUEST);
        Muc.Item a = asked.get(0);
        Element.Builder out = Element.builder("query", Muc.ADMIN);
        if (a.affiliation() != null) {
            // §9.5: admins see every list; occupants whose role the room names (getmemberlist) see its members.
            boolean memberList = a.affiliation() == Muc.Affiliation.MEMBER && o != null
                    && room.config.getMemberList().contains(o.role);
            if (!room.affiliation(from).atLeastAdmin() && !memberList) {
                return refuse(iq, session, StanzaErrorCondition.FORBIDDEN);
            }
            for (String jid : room.withAffiliation(a.affiliation())) {
                out.child(new Muc.Item(a.affiliation(), null, jid, room.registeredNicks.get(jid),
                        room.reasons.get(jid), null).toXml(Muc.ADMIN));
            }
        } else if (a.role() != null) {
            if (o == null || o.role != Muc.Role.MODERATOR) return refuse(iq, session, StanzaErrorCondition.FORBIDDEN);
            for (Occupant x : room.occupants.values()) {
                if (x.role != a.role()) continue;
                out.child(new Muc.Item(room.affiliation(x.jid), x.role, x.jid.toString(), x.nick, null, null)
                        .toXml(Muc.ADMIN));
            }
        } else {
            return refuse(iq, session, StanzaErrorCondition.BAD_REQUEST);
        }
        return result(iq, session, out.build());
    }

    // ---- §10: the owner ---------------------------------------------------------------------------------------

    private RoomEntity.Step configForm(Element iq, Jid from, ActorRef<SessionProtocol.Message> session) {
        if (room.affiliation(from) != Muc.Affiliation.OWNER) return refuse(iq, session, StanzaErrorCondition.FORBIDDEN);
        Element form = room.config.form(room.withAffiliation(Muc.Affiliation.OWNER),
                room.withAffiliation(Muc.Affiliation.ADMIN), shared.settings());
        return result(iq, session, Element.builder("query", Muc.OWNER).child(form).build());
    }

    private RoomEntity.Step owner(Element iq, Element q, Jid from, ActorRef<SessionProtocol.Message> session) {
        if (room.affiliation(from) != Muc.Affiliation.OWNER) return refuse(iq, session, StanzaErrorCondition.FORBIDDEN);
        Element destroy = q.child("destroy", Muc.OWNER);
        if (destroy != null) return destroy(iq, destroy, session);
        Element x = q.child("x", DataForm.NS);
        if (x == null) return refuse(iq, session, StanzaErrorCondition.BAD_REQUEST);
        if ("cancel".equals(x.attr("type"))) {
            // §10.1.3: cancelling the first configuration destroys the new room; later it changes nothing.
            if (!room.locked) return result(iq, session, null);
            return RoomEntity.Step.persist(List.of(new RoomDestroyed(null, null)), () -> {
                for (Occupant o : new ArrayList<>(room.occupants.values())) {
                    occupancy.removeNow(o, List.of(), null, null, null, Muc.destroyed(null, null, null));
                }
                shared.io().result(iq, session, null);
                occupancy.afterRemoval();
            });
        }
        Map<String, List<String>> fields;
        RoomConfig next;
        try {
            fields = DataForm.submitted(q);
            next = room.config.submit(fields, shared.settings());
        } catch (IllegalArgumentException e) {
            return refuse(iq, session, StanzaErrorCondition.NOT_ACCEPTABLE);
        }
        String formType = fields.containsKey("FORM_TYPE") && !fields.get("FORM_TYPE").isEmpty()
                ? fields.get("FORM_TYPE").get(0) : null;
        if (formType != null && !formType.equals(RoomConfig.FORM_TYPE)) {
            return refuse(iq, session, StanzaErrorCondition.BAD_REQUEST);
        }
        List<RoomEvent> events = new ArrayList<>();
        events.add(new RoomConfigured(next.toMap()));
        Map<String, Muc.Affiliation> wanted = new LinkedHashMap<>();
        listed(fields.get(RoomConfig.P + "roomadmins"), Muc.Affiliation.ADMIN, wanted);
        listed(fields.get(RoomConfig.P + "roomowners"), Muc.Affiliation.OWNER, wanted);
        Map<String, Muc.Affiliation> changes = new HashMap<>();
        for (Muc.Affiliation kind : List.of(Muc.Affiliation.ADMIN, Muc.Affiliation.OWNER)) {
            List<String> field = fields.get(RoomConfig.P + (kind == Muc.Affiliation.OWNER ? "roomowners" : "roomadmins"));
            if (field == null) continue;
            // A listed field is the whole list: those no longer in it lose that affiliation.
            for (String jid : room.withAffiliation(kind)) {
                if (wanted.get(jid) != kind) changes.put(jid, wanted.getOrDefault(jid, Muc.Affiliation.NONE));
            }
        }
        wanted.forEach((jid, a) -> {
            if (room.affiliations.getOrDefault(jid, Muc.Affiliation.NONE) != a) changes.put(jid, a);
        });
        Set<String> owners = new HashSet<>(room.withAffiliation(Muc.Affiliation.OWNER));
        changes.forEach((jid, a) -> {
            if (a == Muc.Affiliation.OWNER) owners.add(jid);
            else owners.remove(jid);
        });
        if (owners.isEmpty()) return refuse(iq, session, StanzaErrorCondition.CONFLICT);
        changes.forEach((jid, a) -> events.add(new AffiliationSet(jid, a.value(), null)));
        RoomConfig before = room.config;
        boolean wasLocked = room.locked;
        return RoomEntity.Step.persist(events, () -> {
            shared.io().result(iq, session, null);
            changes.forEach((jid, a) -> applyAffiliation(jid, a, null, null));
            if (!wasLocked) announce(before, room.config);
            if (room.config.membersOnly() && !before.membersOnly()) {
                // §9.4 (and §10.2): a room made members-only removes those who are not members (322).
                for (Occupant o : new ArrayList<>(room.occupants.values())) {
                    if (room.affiliation(o.jid) == Muc.Affiliation.NONE) {
                        occupancy.removeNow(o, List.of(Muc.Status.MEMBERS_ONLY_REMOVED), null, null, null, null);
                    }
                }
            }
            occupancy.afterRemoval();
        });
    }

    private static void listed(List<String> jids, Muc.Affiliation a, Map<String, Muc.Affiliation> out) {
        if (jids == null) return;
        for (String s : jids) {
            Jid j = Jid.parseOrNull(s.trim());
            if (j != null) out.put(j.bare().toString(), a);
        }
    }

    /** §10.2.1: occupants learn of a changed configuration, with codes for what concerns their privacy. */
    private void announce(RoomConfig before, RoomConfig after) {
        List<Integer> codes = new ArrayList<>(List.of(Muc.Status.CONFIG_NON_PRIVACY));
        if (before.logging() != after.logging()) codes.add(after.logging() ? Muc.Status.LOGGING_ON : Muc.Status.LOGGING_OFF);
        if (before.whois() != after.whois()) {
            codes.add(after.whois() == RoomConfig.Whois.ANYONE ? Muc.Status.NON_ANONYMOUS : Muc.Status.SEMI_ANONYMOUS);
        }
        Element m = Element.builder("message", Namespaces.CLIENT).attr("from", room.jid.toString())
                .attr("type", "groupchat").attr("id", shared.newId()).child(Muc.userX(null, codes)).build();
        for (Occupant o : room.occupants.values()) shared.io().send(o, m);
    }

    /** §10.9: destroyed, with an alternate venue and reason for the occupants, who all leave. */
    private RoomEntity.Step destroy(Element iq, Element destroy, ActorRef<SessionProtocol.Message> session) {
        String alternate = destroy.attr("jid");
        if (alternate != null && Jid.parseOrNull(alternate) == null) {
            return refuse(iq, session, StanzaErrorCondition.JID_MALFORMED);
        }
        String reason = destroy.childText("reason", Muc.OWNER);
        String password = destroy.childText("password", Muc.OWNER);
        return RoomEntity.Step.persist(List.of(new RoomDestroyed(alternate, reason)), () -> {
            Element d = Muc.destroyed(alternate, password, reason);
            for (Occupant o : new ArrayList<>(room.occupants.values())) {
                occupancy.removeNow(o, List.of(), null, null, null, d);
            }
            shared.io().result(iq, session, null);
            occupancy.afterRemoval();
        });
    }

    // ---- §7.10: registering a nick ----------------------------------------------------------------------------

    private static final String REGISTER_FORM = Muc.NS + "#register";

    private RoomEntity.Step register(Element iq, Element q, Jid from, boolean get,
            ActorRef<SessionProtocol.Message> session) {
        Muc.Affiliation a = room.affiliation(from);
        if (a == Muc.Affiliation.OUTCAST) return refuse(iq, session, StanzaErrorCondition.FORBIDDEN);
        String nick = room.registeredNick(from);
        if (get) {
            if (nick != null) {
                return result(iq, session, Element.builder("query", Muc.REGISTER)
                        .child(Element.of("registered", Muc.REGISTER))
                        .child(Element.builder("username", Muc.REGISTER).text(nick).build()).build());
            }
            Element form = DataForm.form(REGISTER_FORM,
                    List.of(new DataForm.Field("muc#register_roomnick", "text-single", null)));
            return result(iq, session, Element.builder("query", Muc.REGISTER).child(form).build());
        }
        String bare = from.bare().toString();
        if (q.child("remove", Muc.REGISTER) != null) {
            if (nick == null) return refuse(iq, session, StanzaErrorCondition.ITEM_NOT_FOUND);
            List<RoomEvent> events = new ArrayList<>(List.of(new NickRegistered(bare, null)));
            if (a == Muc.Affiliation.MEMBER) events.add(new AffiliationSet(bare, Muc.Affiliation.NONE.value(), null));
            return RoomEntity.Step.persist(events, () -> {
                shared.io().result(iq, session, null);
                if (a == Muc.Affiliation.MEMBER) applyAffiliation(bare, Muc.Affiliation.NONE, null, null);
                occupancy.afterRemoval();
            });
        }
        Map<String, List<String>> fields;
        try {
            fields = DataForm.submitted(q);
        } catch (IllegalArgumentException e) {
            return refuse(iq, session, StanzaErrorCondition.BAD_REQUEST);
        }
        List<String> wanted = fields == null ? null : fields.get("muc#register_roomnick");
        if (wanted == null || wanted.isEmpty() || wanted.get(0).isBlank()) {
            return refuse(iq, session, StanzaErrorCondition.NOT_ACCEPTABLE);
        }
        String newNick = wanted.get(0);
        if (Jid.parseOrNull(room.jid + "/" + newNick) == null) {
            return refuse(iq, session, StanzaErrorCondition.JID_MALFORMED);
        }
        if (room.nickReservedForOther(newNick, from)) return refuse(iq, session, StanzaErrorCondition.CONFLICT);
        // Registration makes a member; a members-only room's membership is its admins' to give.
        if (a == Muc.Affiliation.NONE && room.config.membersOnly()) {
            return refuse(iq, session, StanzaErrorCondition.REGISTRATION_REQUIRED);
        }
        List<RoomEvent> events = new ArrayList<>(List.of(new NickRegistered(bare, newNick)));
        if (a == Muc.Affiliation.NONE) events.add(new AffiliationSet(bare, Muc.Affiliation.MEMBER.value(), null));
        return RoomEntity.Step.persist(events, () -> {
            shared.io().result(iq, session, null);
            if (a == Muc.Affiliation.NONE) applyAffiliation(bare, Muc.Affiliation.MEMBER, null, null);
        });
    }

    // ---- XEP-0313 on the room ---------------------------------------------------------------------------------

    private RoomEntity.Step archive(Element iq, Jid from, Occupant o, boolean get,
            ActorRef<SessionProtocol.Message> session) {
        if (!room.config.logging()) return refuse(iq, session, StanzaErrorCondition.SERVICE_UNAVAILABLE);
        Muc.Affiliation a = room.affiliation(from);
        // Those who may enter may read: not outcasts, and only members of a members-only room.
        if (a == Muc.Affiliation.OUTCAST || room.config.membersOnly() && a == Muc.Affiliation.NONE && o == null) {
            return refuse(iq, session, StanzaErrorCondition.FORBIDDEN);
        }
        if (get) return result(iq, session, Element.builder("query", io.rookery.protocol.xep.mam.Mam.NS)
                .child(io.rookery.protocol.xep.mam.Mam.queryForm()).build());
        return RoomEntity.Step.run(() -> shared.queryArchive(room.jid, iq, session));
    }
}
