package io.rookery.loadtest;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.muc.Muc;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.XmlWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST FIXTURE: XEP-0045 group chat for {@link TinyXmppServer} on {@code conference.<domain>}, as much as the muc
 * scenario uses: entering a room (§7.2.2) creates it when it does not exist, locked until its creator submits the
 * configuration (§10.1), with the creator's self-presence carrying 110 and 201; others get the occupants' presence,
 * then their own with 110, and the occupants get theirs; a locked room refuses others with item-not-found; an owner's
 * configuration form (or an empty one) unlocks it; groupchat from an occupant goes to every occupant, its sender
 * included (§7.4); leaving (unavailable presence or the connection closing) tells the others, and the last one out
 * destroys the room. Not modelled: nick conflicts, roles and affiliations beyond the owner, history, subjects.
 * Runs on the server's thread only; the counters are for tests after a run.
 */
final class TinyMuc {
    private static final class Room {
        final TinyRosters.Peer owner;
        boolean locked = true;
        final Map<String, TinyRosters.Peer> occupants = new LinkedHashMap<>();

        Room(TinyRosters.Peer owner) {
            this.owner = owner;
        }
    }

    final AtomicInteger roomsCreated = new AtomicInteger();
    /** Configuration forms accepted with fields, and empty ones (instant rooms). */
    final AtomicInteger configForms = new AtomicInteger();
    final AtomicInteger emptyConfigForms = new AtomicInteger();
    final AtomicInteger groupchatIn = new AtomicInteger();
    final AtomicInteger deliveries = new AtomicInteger();
    /** Groupchat messages taken, by the sender's nick. */
    final Map<String, AtomicInteger> sentBy = new ConcurrentHashMap<>();
    /** The max users each configured room was given. */
    final Map<String, String> maxUsers = new ConcurrentHashMap<>();
    /** A configuration form with fields is refused with not-acceptable (a server that offers other values). */
    volatile boolean refuseConfigForm;
    /** Occupants a room admits; more are refused with service-unavailable (§7.2.10). */
    volatile int maxOccupants = Integer.MAX_VALUE;

    private final String service;
    private final Map<String, Room> rooms = new HashMap<>();

    TinyMuc(String domain) {
        this.service = "conference." + domain;
    }

    /** Whether the stanza is addressed to the service, a room or an occupant. */
    boolean handles(Element stanza) {
        String to = stanza.attr("to");
        if (to == null) return false;
        int at = to.indexOf('@');
        int slash = to.indexOf('/');
        String domain = to.substring(at + 1, slash < 0 ? to.length() : slash);
        return domain.equalsIgnoreCase(service);
    }

    void stanza(TinyRosters.Peer p, Element e) {
        String to = e.attr("to");
        int slash = to.indexOf('/');
        String room = (slash < 0 ? to : to.substring(0, slash)).toLowerCase(java.util.Locale.ROOT);
        String nick = slash < 0 ? null : to.substring(slash + 1);
        switch (e.name()) {
            case "presence" -> presence(p, e, room, nick);
            case "iq" -> iq(p, e, room);
            case "message" -> message(p, e, room);
            default -> { }
        }
    }

    private void presence(TinyRosters.Peer p, Element e, String jid, String nick) {
        if (nick == null) return;
        Room room = rooms.get(jid);
        if ("unavailable".equals(e.attr("type"))) {
            if (room != null) leave(room, jid, p);
            return;
        }
        if (e.child("x", Muc.NS) == null) return; // presence to a room we are in: not modelled
        if (room == null) {
            room = new Room(p);
            rooms.put(jid, room);
            roomsCreated.incrementAndGet();
            room.occupants.put(nick, p);
            p.deliver(occupantPresence(jid, nick, p.jid(), "owner", "moderator", "<status code='110'/>"
                    + "<status code='201'/>"));
            return;
        }
        if (room.locked && room.owner != p) {
            p.deliver(presenceError(jid, nick, p.jid(), "item-not-found"));
            return;
        }
        if (room.occupants.size() >= maxOccupants) {
            p.deliver(presenceError(jid, nick, p.jid(), "service-unavailable"));
            return;
        }
        for (Map.Entry<String, TinyRosters.Peer> o : room.occupants.entrySet()) {
            p.deliver(occupantPresence(jid, o.getKey(), p.jid(), "none", "participant", ""));
            o.getValue().deliver(occupantPresence(jid, nick, o.getValue().jid(), "none", "participant", ""));
        }
        room.occupants.put(nick, p);
        p.deliver(occupantPresence(jid, nick, p.jid(), "none", "participant", "<status code='110'/>"));
    }

    /** §10.1.2 / §10.1.3: the owner's form (with fields, or empty) unlocks the room. */
    private void iq(TinyRosters.Peer p, Element iq, String jid) {
        String type = iq.attr("type");
        if (!"get".equals(type) && !"set".equals(type)) return;
        Room room = rooms.get(jid);
        Element query = iq.child("query", Muc.OWNER);
        Element form = query == null ? null : query.child("x", "jabber:x:data");
        if (room == null || room.owner != p || form == null || !"set".equals(type)) {
            p.deliver(iqError(iq, jid, p.jid(), room == null ? "item-not-found" : "forbidden"));
            return;
        }
        List<Element> fields = form.children("field", "jabber:x:data");
        if (!fields.isEmpty() && refuseConfigForm) {
            p.deliver(iqError(iq, jid, p.jid(), "not-acceptable"));
            return;
        }
        for (Element f : fields) {
            if ("muc#roomconfig_maxusers".equals(f.attr("var"))) maxUsers.put(jid, f.childText("value", "jabber:x:data"));
        }
        (fields.isEmpty() ? emptyConfigForms : configForms).incrementAndGet();
        room.locked = false;
        p.deliver("<iq type='result' from='" + jid + "' to='" + p.jid() + "' id='" + iq.attr("id") + "'/>");
    }

    /** §7.4: to every occupant, the sender included, from the sender's occupant JID. */
    private void message(TinyRosters.Peer p, Element m, String jid) {
        if (!"groupchat".equals(m.attr("type"))) return;
        Room room = rooms.get(jid);
        String nick = room == null ? null : nickOf(room, p);
        if (nick == null) {
            p.deliver("<message type='error' from='" + jid + "' to='" + p.jid() + "'><error type='modify'>"
                    + "<not-acceptable xmlns='" + Namespaces.STANZAS + "'/></error></message>");
            return;
        }
        groupchatIn.incrementAndGet();
        sentBy.computeIfAbsent(nick, k -> new AtomicInteger()).incrementAndGet();
        String body = m.childText("body", null);
        StringBuilder tail = new StringBuilder("' id='").append(m.attr("id")).append("'><body>");
        XmlWriter.escapeText(body == null ? "" : body, tail);
        tail.append("</body></message>");
        for (TinyRosters.Peer o : room.occupants.values()) {
            o.deliver("<message type='groupchat' from='" + jid + "/" + nick + "' to='" + o.jid() + tail);
            deliveries.incrementAndGet();
        }
    }

    /** The connection closed: it leaves every room it was in. */
    void closed(TinyRosters.Peer p) {
        for (Map.Entry<String, Room> e : new ArrayList<>(rooms.entrySet())) leave(e.getValue(), e.getKey(), p);
    }

    private void leave(Room room, String jid, TinyRosters.Peer p) {
        String nick = nickOf(room, p);
        if (nick == null) return;
        room.occupants.remove(nick);
        for (TinyRosters.Peer o : room.occupants.values()) {
            o.deliver("<presence type='unavailable' from='" + jid + "/" + nick + "' to='" + o.jid() + "'><x xmlns='"
                    + Muc.USER + "'><item affiliation='none' role='none'/></x></presence>");
        }
        if (room.occupants.isEmpty()) rooms.remove(jid);
    }

    private static String nickOf(Room room, TinyRosters.Peer p) {
        for (Map.Entry<String, TinyRosters.Peer> o : room.occupants.entrySet()) {
            if (o.getValue() == p) return o.getKey();
        }
        return null;
    }

    private static String occupantPresence(String room, String nick, String to, String affiliation, String role,
            String statuses) {
        return "<presence from='" + room + "/" + nick + "' to='" + to + "'><x xmlns='" + Muc.USER + "'><item"
                + " affiliation='" + affiliation + "' role='" + role + "'/>" + statuses + "</x></presence>";
    }

    private static String presenceError(String room, String nick, String to, String condition) {
        return "<presence type='error' from='" + room + "/" + nick + "' to='" + to + "'><x xmlns='" + Muc.NS
                + "'/><error type='cancel'><" + condition + " xmlns='" + Namespaces.STANZAS + "'/></error></presence>";
    }

    private static String iqError(Element iq, String from, String to, String condition) {
        return "<iq type='error' from='" + from + "' to='" + to + "' id='" + iq.attr("id") + "'><error type='cancel'><"
                + condition + " xmlns='" + Namespaces.STANZAS + "'/></error></iq>";
    }
}
