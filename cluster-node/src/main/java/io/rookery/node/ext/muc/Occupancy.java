package io.rookery.node.ext.muc;

import io.rookery.node.user.SessionProtocol;
import io.rookery.persistence.muc.RoomCreated;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.muc.Muc;
import io.rookery.protocol.xep.offline.Delay;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Node;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Who is in the room (XEP-0045 §7.1-§7.7): entering with its checks in the order the XEP gives their errors,
 * presence updates, nick changes, leaving, and the removals that the room's administration causes (kick, ban,
 * membership revoked, destruction), each broadcast with the status codes the XEP lists.
 */
final class Occupancy {
    private final Room room;
    private final MucService.Shared shared;
    private final Consumer<ActorRef<SessionProtocol.Message>> watch;
    private final Runnable emptied;

    Occupancy(Room room, MucService.Shared shared, Consumer<ActorRef<SessionProtocol.Message>> watch,
            Runnable emptied) {
        this.room = room;
        this.shared = shared;
        this.watch = watch;
        this.emptied = emptied;
    }

    /** After recovery: the occupants the journal kept are back, their sessions watched again. */
    void recovered() {
        room.occupants.clear();
        room.byJid.clear();
        for (io.rookery.persistence.muc.OccupantEntered e : room.remembered.values()) {
            Jid jid = Jid.parseOrNull(e.jid());
            Muc.Role role = Muc.Role.of(e.role());
            if (jid == null || role == null || role == Muc.Role.NONE) continue;
            ActorRef<SessionProtocol.Message> session = shared.resolve(e.session());
            Occupant o = new Occupant(e.nick(), jid, role, session, null, shared.occupantId(room.jid, jid),
                    shared.settings().messageBurst());
            o.confirmed = false;
            room.occupants.put(e.nick(), o);
            room.byJid.put(jid, o);
            watch.accept(session);
        }
    }

    /** Occupants whose sessions died with their node leave (333); the rest stay in the room. */
    RoomEntity.Step dropUnreachable() {
        for (Occupant o : new ArrayList<>(room.occupants.values())) {
            if (o.session != null && !shared.nodeUp(o.session)) {
                removeNow(o, List.of(Muc.Status.ERROR_REMOVED), null, null, null, null);
            }
        }
        return afterRemoval();
    }

    /** The occupant's stanza came through this session: the room reaches it there from now on. */
    void sessionSeen(Occupant o, ActorRef<SessionProtocol.Message> session) {
        if (session == null) return;
        o.confirmed = true;
        if (session.equals(o.session)) return;
        o.session = session;
        room.occupantsChanged = true;
    }

    /** What the journal must learn for its occupants to match the live ones. */
    List<io.rookery.persistence.muc.RoomEvent> changes() {
        room.occupantsChanged = false;
        List<io.rookery.persistence.muc.RoomEvent> events = new ArrayList<>();
        for (Occupant o : room.occupants.values()) {
            var e = new io.rookery.persistence.muc.OccupantEntered(o.nick, o.jid.toString(),
                    shared.sessionString(o.session), o.role.value());
            if (!e.equals(room.remembered.get(o.nick))) events.add(e);
        }
        for (String nick : room.remembered.keySet()) {
            if (!room.occupants.containsKey(nick)) events.add(new io.rookery.persistence.muc.OccupantLeft(nick));
        }
        return events;
    }

    /** The archive's last messages, older than any the room took since it started, become history again. */
    void historyLoaded(List<io.rookery.persistence.mam.ArchiveStore.Archived> rows) {
        List<History.Entry> older = new ArrayList<>(rows.size());
        for (int i = rows.size() - 1; i >= 0; i--) {
            var row = rows.get(i);
            try {
                Element m = io.rookery.protocol.xml.StoredXml.parse(row.stanzaXml());
                older.add(new History.Entry(m, io.rookery.node.ext.mam.ArchiveIds.instant(row.id()),
                        m.toString().length()));
            } catch (RuntimeException corrupt) {
                // An unreadable row is left out of history; the archive still has it.
            }
        }
        room.history.prependOlder(older);
    }

    RoomEntity.Step presence(Element p, Jid from, Jid to, ActorRef<SessionProtocol.Message> session) {
        String type = p.attr("type");
        Occupant o = room.occupant(from);
        if ("error".equals(type)) {
            // §18.1.2 (and Prosody, ejabberd): an occupant whose client or server bounces the room's presence is gone.
            return o == null ? RoomEntity.Step.NONE : remove(o, List.of(Muc.Status.ERROR_REMOVED), null, null, null);
        }
        if ("unavailable".equals(type)) {
            if (o == null) return RoomEntity.Step.NONE;
            return remove(o, List.of(), null, null, p);
        }
        if (type != null) return RoomEntity.Step.NONE; // subscriptions and probes mean nothing to a room
        // Kept while the occupant stays and sent to everyone: bounded (rookery.modules.muc.max-presence-bytes).
        if (p.toString().length() > shared.settings().maxPresenceBytes()) {
            return refuse(p, session, StanzaErrorCondition.NOT_ACCEPTABLE);
        }
        String nick = to.resource();
        if (o == null) return join(p, from, nick, session);
        sessionSeen(o, session);
        if (!o.nick.equals(nick)) return changeNick(o, p, nick, session);
        o.presence = p;
        return RoomEntity.Step.run(() -> broadcast(o, null, List.of()));
    }

    private RoomEntity.Step join(Element p, Jid from, String nick, ActorRef<SessionProtocol.Message> session) {
        Muc.Join request;
        try {
            request = Muc.join(p);
        } catch (IllegalArgumentException e) {
            return refuse(p, session, StanzaErrorCondition.BAD_REQUEST);
        }
        Muc.History history = request == null ? Muc.History.DEFAULT : request.history();
        if (!room.exists) {
            if (!shared.mayCreate(from)) return refuse(p, session, StanzaErrorCondition.NOT_ALLOWED);
            // §10.1.1: the room is created, locked until its owner configures it, and the creator is its owner. A
            // client that did not say it speaks MUC (§7.2.1, the old groupchat protocol) gets an instant room.
            List<io.rookery.persistence.muc.RoomEvent> created = new ArrayList<>();
            created.add(new RoomCreated(from.bare().toString()));
            if (request == null) {
                created.add(new io.rookery.persistence.muc.RoomConfigured(RoomConfig.defaults(shared.settings())
                        .toMap()));
            }
            return RoomEntity.Step.persist(created,
                    () -> admit(p, from, nick, session, Muc.Affiliation.OWNER, history, true));
        }
        Muc.Affiliation affiliation = room.affiliation(from);
        // §7.2: the checks in the order of the XEP's sections.
        if (room.locked && affiliation != Muc.Affiliation.OWNER) {
            return refuse(p, session, StanzaErrorCondition.ITEM_NOT_FOUND);
        }
        if (affiliation == Muc.Affiliation.OUTCAST) return refuse(p, session, StanzaErrorCondition.FORBIDDEN);
        if (room.config.membersOnly() && affiliation == Muc.Affiliation.NONE) {
            return refuse(p, session, StanzaErrorCondition.REGISTRATION_REQUIRED);
        }
        if (room.config.passwordProtected() && affiliation != Muc.Affiliation.OWNER
                && (request == null || !room.config.password().equals(request.password()))) {
            return refuse(p, session, StanzaErrorCondition.NOT_AUTHORIZED);
        }
        if (nickTaken(nick, from)) return refuse(p, session, StanzaErrorCondition.CONFLICT);
        if (room.count() >= shared.settings().maxOccupants()
                || room.count() >= room.config.maxUsers() && !affiliation.atLeastAdmin()) {
            return refuse(p, session, StanzaErrorCondition.SERVICE_UNAVAILABLE);
        }
        return RoomEntity.Step.run(() -> admit(p, from, nick, session, affiliation, history, false));
    }

    /** §7.2.9: the nick is another user's, in the room now or registered (§7.10). */
    private boolean nickTaken(String nick, Jid user) {
        Occupant other = room.occupants.get(nick);
        if (other != null && !other.jid.bare().equals(user.bare())) return true;
        if (other != null) return true; // one session per nick: a second resource chooses its own
        return room.nickReservedForOther(nick, user);
    }

    private RoomEntity.Step refuse(Element p, ActorRef<SessionProtocol.Message> session,
            StanzaErrorCondition condition) {
        return RoomEntity.Step.run(() -> shared.io().error(p, session, condition));
    }

    private void admit(Element p, Jid from, String nick, ActorRef<SessionProtocol.Message> session,
            Muc.Affiliation affiliation, Muc.History history, boolean created) {
        Muc.Role role = room.defaultRole(affiliation);
        Occupant o = new Occupant(nick, from, role, session, p, shared.occupantId(room.jid, from),
                shared.settings().messageBurst());
        // §7.2.3: first the presence of those already there, then the newcomer's own, then history and subject.
        for (Occupant other : room.occupants.values()) {
            if (broadcasts(other)) shared.io().send(o, presenceOf(other, o, null, List.of()));
        }
        room.occupants.put(nick, o);
        room.byJid.put(from, o);
        room.occupantsChanged = true;
        watch.accept(session);
        if (broadcasts(o)) fan(o, false, true, null, List.of(), sees -> item(o, sees, null), null);
        List<Integer> self = new ArrayList<>(List.of(Muc.Status.SELF));
        if (room.config.whois() == RoomConfig.Whois.ANYONE) self.add(Muc.Status.REAL_JID_PUBLIC);
        if (room.config.logging()) self.add(Muc.Status.LOGGING_ON);
        if (created) self.add(Muc.Status.ROOM_CREATED);
        shared.io().send(o, presenceOf(o, o, null, self));
        Instant now = shared.clock().instant();
        for (History.Entry e : room.history.select(history, room.config.maxHistory(), now)) {
            shared.io().send(o, delayed(e));
        }
        shared.io().send(o, subject());
    }

    /** A history entry as sent on join: with when the room took it (XEP-0203, from the room). */
    private Element delayed(History.Entry e) {
        List<Node> children = new ArrayList<>(e.message().children());
        children.add(Element.builder("delay", Delay.NS).attr("from", room.jid.toString())
                .attr("stamp", e.at().toString()).build());
        return e.message().withChildren(children);
    }

    /** §7.2.15: the subject, sent last on join even when empty. */
    Element subject() {
        String from = room.subjectBy == null ? room.jid.toString() : room.jid + "/" + room.subjectBy;
        return Element.builder("message", Namespaces.CLIENT).attr("from", from).attr("type", "groupchat")
                .attr("id", shared.newId())
                .child(Element.builder("subject", Namespaces.CLIENT).text(room.subject).build()).build();
    }

    /** §7.6: leaving as the old nick (303 with the new one), entering as the new one. */
    private RoomEntity.Step changeNick(Occupant o, Element p, String nick, ActorRef<SessionProtocol.Message> session) {
        if (nickTaken(nick, o.jid)) return refuse(p, session, StanzaErrorCondition.CONFLICT);
        return RoomEntity.Step.run(() -> {
            fan(o, true, broadcasts(o), "unavailable", List.of(Muc.Status.NEW_NICK),
                    sees -> new Muc.Item(room.affiliation(o.jid), o.role, sees ? o.jid.toString() : null, nick, null,
                            null), null);
            room.occupants.remove(o.nick);
            o.nick = nick;
            o.presence = p;
            room.occupants.put(nick, o);
            room.occupantsChanged = true;
            broadcast(o, null, List.of());
        });
    }

    /** Sends the occupant's current presence to everyone (its own copy with 110), plus these codes. */
    void broadcast(Occupant o, String type, List<Integer> codes) {
        fan(o, true, broadcasts(o), type, codes, sees -> item(o, sees, null), null);
    }

    private Muc.Item item(Occupant o, boolean seesJid, String nick) {
        return new Muc.Item(room.affiliation(o.jid), o.role, seesJid ? o.jid.toString() : null, nick, null, null);
    }

    /**
     * The occupant's presence to itself (its copy with 110 first) and to the others, in at most three variants: its
     * own, and the others' with or without its real JID (item tells which). Every occupant that gets the same
     * variant on another node gets it through that node's relay, once.
     */
    private void fan(Occupant o, boolean toSelf, boolean toOthers, String type, List<Integer> codes,
            java.util.function.Function<Boolean, Muc.Item> item, Element extra) {
        Element own = null;
        Element withJid = null;
        Element withoutJid = null;
        List<Occupant> to = new ArrayList<>(room.count());
        List<Element> stanzas = new ArrayList<>(room.count());
        for (Occupant r : room.occupants.values()) {
            Element e;
            if (r == o) {
                if (!toSelf) continue;
                List<Integer> c = new ArrayList<>(codes.size() + 1);
                c.add(Muc.Status.SELF);
                c.addAll(codes);
                e = own = withExtra(presenceOf(o, r, type, c, item.apply(true)), extra);
            } else {
                if (!toOthers) continue;
                if (seesJid(r, o)) {
                    if (withJid == null) withJid = withExtra(presenceOf(o, r, type, codes, item.apply(true)), extra);
                    e = withJid;
                } else {
                    if (withoutJid == null) {
                        withoutJid = withExtra(presenceOf(o, r, type, codes, item.apply(false)), extra);
                    }
                    e = withoutJid;
                }
            }
            to.add(r);
            stanzas.add(e);
        }
        shared.sendAll(to, stanzas);
    }

    private static Element withExtra(Element presence, Element extra) {
        return extra == null ? presence : withUserChild(presence, extra);
    }

    /**
     * The occupant leaves (its own unavailable presence, given as leaving) or is removed (kick 307, ban 301,
     * membership 321/322, error 333, shutdown 332): everyone and the occupant itself get its unavailable presence
     * with role none, the codes, the actor's nick and reason (§9.2, §9.1, §7.14).
     */
    RoomEntity.Step remove(Occupant o, List<Integer> codes, String actor, String reason, Element leaving) {
        removeNow(o, codes, actor, reason, leaving, null);
        return afterRemoval();
    }

    /** The same, now: for callers that remove several occupants in one step. */
    void removeNow(Occupant o, List<Integer> codes, String actor, String reason, Element leaving, Element destroy) {
        Muc.Role before = o.role;
        o.role = Muc.Role.NONE;
        if (leaving != null) o.presence = leaving;
        fan(o, true, broadcastsRole(before), "unavailable", codes, sees -> new Muc.Item(room.affiliation(o.jid),
                Muc.Role.NONE, sees ? o.jid.toString() : null, null, reason, actor), destroy);
        room.occupants.remove(o.nick);
        room.byJid.remove(o.jid);
        room.occupantsChanged = true;
    }

    /** Tells the room when its last occupant left (a temporary room is then destroyed, §10.1.1). */
    RoomEntity.Step afterRemoval() {
        if (room.count() == 0) emptied.run();
        return RoomEntity.Step.NONE;
    }

    RoomEntity.Step sessionEnded(ActorRef<SessionProtocol.Message> session) {
        List<Occupant> gone = new ArrayList<>();
        for (Occupant o : room.occupants.values()) if (session.equals(o.session)) gone.add(o);
        if (gone.isEmpty()) return RoomEntity.Step.NONE;
        if (!shared.nodeUp(session) || gone.stream().anyMatch(o -> !o.confirmed)) {
            // Its node died with the session, or the session read back from the journal no longer exists (its node
            // restarted under the same address): the occupant is gone (§18.1.2, 333).
            for (Occupant o : gone) removeNow(o, List.of(Muc.Status.ERROR_REMOVED), null, null, null, null);
            return afterRemoval();
        }
        // The session stopped on a live node without leaving (it was resumed by a new stream): the room reaches the
        // user through its account from now on, and learns the new session from the next stanza it sends. If the
        // resource is gone after all, the account bounces the next groupchat message and the room removes it (333).
        for (Occupant o : gone) o.session = null;
        room.occupantsChanged = true;
        return RoomEntity.Step.NONE;
    }

    /** Whether the room broadcasts the presence of occupants with this role (muc#roomconfig_presencebroadcast). */
    boolean broadcasts(Occupant o) {
        return broadcastsRole(o.role);
    }

    private boolean broadcastsRole(Muc.Role r) {
        return r == Muc.Role.NONE || room.config.presenceBroadcast().contains(r);
    }

    /** §7.2.3-§7.2.4: whether the recipient sees the occupant's real JID. */
    boolean seesJid(Occupant recipient, Occupant o) {
        return recipient == o || room.config.whois() == RoomConfig.Whois.ANYONE
                || recipient.role == Muc.Role.MODERATOR;
    }

    Element presenceOf(Occupant o, Occupant recipient, String type, List<Integer> codes) {
        Muc.Item item = new Muc.Item(room.affiliation(o.jid), o.role,
                seesJid(recipient, o) ? o.jid.toString() : null, null, null, null);
        return presenceOf(o, recipient, type, codes, item);
    }

    /** The occupant's presence as the recipient gets it: its own children, then muc#user and its occupant id. */
    private Element presenceOf(Occupant o, Occupant recipient, String type, List<Integer> codes, Muc.Item item) {
        Element.Builder b = Element.builder("presence", Namespaces.CLIENT).attr("from", room.jid + "/" + o.nick)
                .attr("type", type);
        // Its own presence's children: show, status, caps... An occupant that leaves (§7.14) may give a status, which
        // the others get with its unavailable presence; what the room removes it with carries none of the old ones.
        boolean own = o.presence != null && (type == null
                || "unavailable".equals(type) && "unavailable".equals(o.presence.attr("type")));
        if (own) {
            for (Node n : o.presence.children()) {
                if (n instanceof Element e && (e.namespace().startsWith(Muc.NS) || e.namespace().equals(Muc.OCCUPANT_ID))) {
                    continue;
                }
                b.child(n);
            }
        }
        b.child(Muc.userX(item, codes));
        b.child(Muc.occupantId(o.occupantId));
        return b.build();
    }

    private static Element withUserChild(Element presence, Element child) {
        List<Node> children = new ArrayList<>();
        for (Node n : presence.children()) {
            if (n instanceof Element e && e.is("x", Muc.USER)) {
                List<Node> x = new ArrayList<>(e.children());
                x.add(0, child);
                children.add(e.withChildren(x));
            } else {
                children.add(n);
            }
        }
        return presence.withChildren(children);
    }
}
