package io.rookery.node.ext.muc;

import io.rookery.node.user.SessionProtocol;
import io.rookery.persistence.muc.AffiliationSet;
import io.rookery.persistence.muc.RoomEvent;
import io.rookery.persistence.muc.SubjectSet;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.dataforms.DataForm;
import io.rookery.protocol.xep.muc.Muc;
import io.rookery.protocol.xep.sid.StanzaId;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Node;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What occupants say (XEP-0045 §7.4-§7.9, §7.13, §8.1): groupchat messages broadcast to every occupant and kept in
 * history and the archive, subject changes, private messages, mediated invitations and declines, voice requests,
 * and iq between occupants (XEP-0410 self-ping answered by the room, others passed on under the occupant JIDs).
 */
final class RoomChat {
    /** Error conditions on a bounced groupchat message that mean the occupant's resource is gone (§18.1.2). */
    private static final Set<StanzaErrorCondition> GONE = Set.of(StanzaErrorCondition.SERVICE_UNAVAILABLE,
            StanzaErrorCondition.RECIPIENT_UNAVAILABLE, StanzaErrorCondition.ITEM_NOT_FOUND,
            StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND, StanzaErrorCondition.REMOTE_SERVER_TIMEOUT,
            StanzaErrorCondition.GONE);
    /** Iq passed between occupants whose answer has not come back; the oldest are forgotten past this. */
    private static final int MAX_PENDING_IQ = 256;

    private record PendingIq(Jid requester, String id, String targetNick, ActorRef<SessionProtocol.Message> session) {}

    private final Room room;
    private final MucService.Shared shared;
    private final Occupancy occupancy;
    private final Map<String, PendingIq> pendingIq = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PendingIq> eldest) {
            return size() > MAX_PENDING_IQ;
        }
    };
    private long iqSeq;

    RoomChat(Room room, MucService.Shared shared, Occupancy occupancy) {
        this.room = room;
        this.shared = shared;
        this.occupancy = occupancy;
    }

    RoomEntity.Step message(Element m, Jid from, Jid to, ActorRef<SessionProtocol.Message> session) {
        String type = m.attr("type");
        Occupant o = room.occupant(from);
        if (o != null) occupancy.sessionSeen(o, session);
        if ("error".equals(type)) return bounced(m, o, to);
        if (to.resource() != null) return privateMessage(m, o, to.resource(), session);
        if ("groupchat".equals(type)) return groupchat(m, o, session);
        Element x = m.child("x", Muc.USER);
        if (x != null && (x.child("invite", Muc.USER) != null || x.child("decline", Muc.USER) != null)) {
            return invitations(m, x, o, from, session);
        }
        Element form = m.child("x", DataForm.NS);
        if (form != null && o != null) return voice(m, form, o, session);
        return refuse(m, session, StanzaErrorCondition.NOT_ACCEPTABLE);
    }

    private RoomEntity.Step refuse(Element m, ActorRef<SessionProtocol.Message> session, StanzaErrorCondition c) {
        return RoomEntity.Step.run(() -> shared.io().error(m, session, c));
    }

    /** An error an occupant's side sent back: a private message's goes to its sender, a gone resource leaves. */
    private RoomEntity.Step bounced(Element m, Occupant o, Jid to) {
        if (o == null) return RoomEntity.Step.NONE;
        Element error = m.child("error", null);
        StanzaError e = error == null ? null : StanzaError.fromElement(error);
        Occupant sender = to.resource() == null ? null : room.occupants.get(to.resource());
        if (sender != null && sender != o && !pendingBroadcast(m)) {
            return RoomEntity.Step.run(() -> shared.io().send(sender,
                    m.withAttr("from", room.jid + "/" + o.nick)));
        }
        if (e != null && GONE.contains(e.condition())) {
            return occupancy.remove(o, List.of(Muc.Status.ERROR_REMOVED), null, null, null);
        }
        return RoomEntity.Step.NONE;
    }

    /** A bounced copy of something the room broadcast carries the room's stanza id or our occupant id. */
    private boolean pendingBroadcast(Element m) {
        return m.child("occupant-id", Muc.OCCUPANT_ID) != null && m.child("x", Muc.USER) == null;
    }

    private RoomEntity.Step groupchat(Element m, Occupant o, ActorRef<SessionProtocol.Message> session) {
        // §7.4: only occupants speak; visitors of a moderated room do not.
        if (o == null) return refuse(m, session, StanzaErrorCondition.NOT_ACCEPTABLE);
        if (o.role == Muc.Role.VISITOR) return refuse(m, session, StanzaErrorCondition.FORBIDDEN);
        if (!o.mayTalk(shared.settings().messagesPerSecond(), shared.settings().messageBurst())) {
            shared.refusedForRate();
            return refuse(m, session, StanzaErrorCondition.RESOURCE_CONSTRAINT);
        }
        Element subject = m.child("subject", null);
        if (subject != null && m.child("body", null) == null) return subject(m, subject.text(), o, session);
        return RoomEntity.Step.run(() -> broadcast(m, o));
    }

    /** §8.1: moderators, or participants when the room lets them, change the subject. */
    private RoomEntity.Step subject(Element m, String subject, Occupant o, ActorRef<SessionProtocol.Message> session) {
        boolean may = o.role == Muc.Role.MODERATOR || room.config.changeSubject() && o.role == Muc.Role.PARTICIPANT;
        if (!may) return refuse(m, session, StanzaErrorCondition.FORBIDDEN);
        if (subject.getBytes(StandardCharsets.UTF_8).length > shared.settings().maxSubjectBytes()) {
            return refuse(m, session, StanzaErrorCondition.NOT_ACCEPTABLE);
        }
        return RoomEntity.Step.persist(List.of(new SubjectSet(subject, o.nick)), () -> {
            Element out = strip(m, o);
            for (Occupant r : room.occupants.values()) shared.io().send(r, out);
        });
    }

    /** The message as occupants get it: from the sender's occupant JID, its occupant id, what it spoofed removed. */
    private Element strip(Element m, Occupant o) {
        Element.Builder b = Element.builder("message", Namespaces.CLIENT).attr("from", room.jid + "/" + o.nick)
                .attr("type", "groupchat").attr("id", m.attr("id")).attr("xml:lang", m.attr("xml:lang"));
        for (Node n : m.children()) {
            if (n instanceof Element e && (e.is("occupant-id", Muc.OCCUPANT_ID) || e.is("stanza-id", StanzaId.NS)
                    && room.jid.toString().equals(e.attr("by")))) {
                continue;
            }
            b.child(n);
        }
        b.child(Muc.occupantId(o.occupantId));
        return b.build();
    }

    private void broadcast(Element m, Occupant o) {
        Element out = strip(m, o);
        java.time.Instant now = shared.clock().instant();
        if (room.config.logging()) {
            long id = io.rookery.node.ext.mam.ArchiveIds.next(now.toEpochMilli());
            out = StanzaId.stamp(out, room.jid.toString(), Long.toString(id));
            shared.archive(room.jid, id, room.jid + "/" + o.nick, out);
        }
        room.history.add(out, now);
        shared.broadcast(room, out);
    }

    /** §7.5: a private message between occupants, as the room allows them (muc#roomconfig_allowpm). */
    private RoomEntity.Step privateMessage(Element m, Occupant o, String nick,
            ActorRef<SessionProtocol.Message> session) {
        if (o == null) return refuse(m, session, StanzaErrorCondition.NOT_ACCEPTABLE);
        if ("groupchat".equals(m.attr("type"))) return refuse(m, session, StanzaErrorCondition.BAD_REQUEST);
        boolean allowed = switch (room.config.allowPm()) {
            case ANYONE -> true;
            case PARTICIPANTS -> o.role == Muc.Role.PARTICIPANT || o.role == Muc.Role.MODERATOR;
            case MODERATORS -> o.role == Muc.Role.MODERATOR;
            case NONE -> false;
        };
        if (!allowed) return refuse(m, session, StanzaErrorCondition.FORBIDDEN);
        Occupant target = room.occupants.get(nick);
        if (target == null) return refuse(m, session, StanzaErrorCondition.ITEM_NOT_FOUND);
        if (!o.mayTalk(shared.settings().messagesPerSecond(), shared.settings().messageBurst())) {
            shared.refusedForRate();
            return refuse(m, session, StanzaErrorCondition.RESOURCE_CONSTRAINT);
        }
        return RoomEntity.Step.run(() -> {
            List<Node> children = new ArrayList<>();
            for (Node n : m.children()) {
                if (n instanceof Element e && (e.is("occupant-id", Muc.OCCUPANT_ID) || e.is("x", Muc.USER))) continue;
                children.add(n);
            }
            children.add(Element.of("x", Muc.USER));
            children.add(Muc.occupantId(o.occupantId));
            shared.io().send(target, m.withAttr("from", room.jid + "/" + o.nick).withChildren(children));
        });
    }

    /** §7.8.2 mediated invitations, and declines passed back to the inviter. */
    private RoomEntity.Step invitations(Element m, Element x, Occupant o, Jid from,
            ActorRef<SessionProtocol.Message> session) {
        List<Element> out = new ArrayList<>();
        List<RoomEvent> events = new ArrayList<>();
        for (Element decline : x.children("decline", Muc.USER)) {
            Jid to = Jid.parseOrNull(decline.attr("to"));
            if (to == null) return refuse(m, session, StanzaErrorCondition.JID_MALFORMED);
            Element.Builder d = Element.builder("decline", Muc.USER).attr("from", from.bare().toString());
            String reason = decline.childText("reason", Muc.USER);
            if (reason != null) d.child(Element.builder("reason", Muc.USER).text(reason).build());
            out.add(Element.builder("message", Namespaces.CLIENT).attr("from", room.jid.toString())
                    .attr("to", to.toString()).child(Element.builder("x", Muc.USER).child(d.build()).build()).build());
        }
        List<Element> invites = x.children("invite", Muc.USER);
        if (!invites.isEmpty()) {
            if (o == null) return refuse(m, session, StanzaErrorCondition.NOT_ACCEPTABLE);
            Muc.Affiliation mine = room.affiliation(from);
            // §7.8.2: in a members-only room only admins invite, unless the room lets occupants do it.
            if (room.config.membersOnly() && !room.config.allowInvites() && !mine.atLeastAdmin()
                    || !room.config.membersOnly() && !room.config.allowInvites() && o.role == Muc.Role.VISITOR) {
                return refuse(m, session, StanzaErrorCondition.FORBIDDEN);
            }
            for (Element invite : invites) {
                Jid to = Jid.parseOrNull(invite.attr("to"));
                if (to == null) return refuse(m, session, StanzaErrorCondition.JID_MALFORMED);
                // The invitee of a members-only room becomes a member, so that it may enter.
                if (room.config.membersOnly() && room.affiliation(to) == Muc.Affiliation.NONE) {
                    events.add(new AffiliationSet(to.bare().toString(), Muc.Affiliation.MEMBER.value(), null));
                }
                Element.Builder i = Element.builder("invite", Muc.USER).attr("from", from.toString());
                String reason = invite.childText("reason", Muc.USER);
                if (reason != null) i.child(Element.builder("reason", Muc.USER).text(reason).build());
                Element.Builder ux = Element.builder("x", Muc.USER).child(i.build());
                if (room.config.passwordProtected()) {
                    ux.child(Element.builder("password", Muc.USER).text(room.config.password()).build());
                }
                Element.Builder msg = Element.builder("message", Namespaces.CLIENT).attr("from", room.jid.toString())
                        .attr("to", to.toString()).attr("id", m.attr("id"));
                msg.child(ux.build());
                // XEP-0249 alongside, for clients that only read direct invitations.
                msg.child(Element.builder("x", Muc.DIRECT_INVITE).attr("jid", room.jid.toString())
                        .attr("reason", reason).build());
                out.add(msg.build());
            }
        }
        return RoomEntity.Step.persist(events, () -> out.forEach(shared.io()::route));
    }

    /** §7.13 voice requests from visitors to the moderators, and §8.6 a moderator's approval. */
    private RoomEntity.Step voice(Element m, Element form, Occupant o, ActorRef<SessionProtocol.Message> session) {
        Map<String, List<String>> fields;
        try {
            fields = DataForm.submitted(m);
        } catch (IllegalArgumentException e) {
            return refuse(m, session, StanzaErrorCondition.BAD_REQUEST);
        }
        if (fields == null || !List.of(Muc.REQUEST).equals(fields.get("FORM_TYPE"))) {
            return refuse(m, session, StanzaErrorCondition.BAD_REQUEST);
        }
        List<String> allow = fields.get("muc#request_allow");
        if (allow != null) {
            // A moderator answers a request.
            if (o.role != Muc.Role.MODERATOR) return refuse(m, session, StanzaErrorCondition.FORBIDDEN);
            List<String> nick = fields.get("muc#roomnick");
            Occupant visitor = nick == null || nick.isEmpty() ? null : room.occupants.get(nick.get(0));
            if (visitor == null || !(allow.contains("1") || allow.contains("true"))) return RoomEntity.Step.NONE;
            if (visitor.role != Muc.Role.VISITOR) return RoomEntity.Step.NONE;
            return RoomEntity.Step.run(() -> {
                visitor.role = Muc.Role.PARTICIPANT;
                room.occupantsChanged = true;
                occupancy.broadcast(visitor, null, List.of());
            });
        }
        if (o.role != Muc.Role.VISITOR) return RoomEntity.Step.NONE;
        Element request = DataForm.form(Muc.REQUEST, List.of(
                new DataForm.Field("muc#role", "list-single", "participant"),
                new DataForm.Field("muc#jid", "jid-single", o.jid.toString()),
                new DataForm.Field("muc#roomnick", "text-single", o.nick),
                new DataForm.Field("muc#request_allow", "boolean", "0")));
        return RoomEntity.Step.run(() -> {
            for (Occupant r : room.occupants.values()) {
                if (r.role != Muc.Role.MODERATOR) continue;
                shared.io().send(r, Element.builder("message", Namespaces.CLIENT).attr("from", room.jid.toString())
                        .attr("id", shared.newId()).child(request).build());
            }
        });
    }

    /** Iq to an occupant JID: XEP-0410 self-ping, §6.7 disco of occupants, and iq passed between occupants. */
    RoomEntity.Step iqToOccupant(Element iq, Jid from, Jid to, ActorRef<SessionProtocol.Message> session) {
        String type = iq.attr("type");
        if ("result".equals(type) || "error".equals(type)) return answered(iq, from);
        if (!"get".equals(type) && !"set".equals(type)) return RoomEntity.Step.NONE;
        Occupant sender = room.occupant(from);
        Element payload = iq.elements().size() == 1 ? iq.elements().get(0) : null;
        if (sender == null) {
            // §6.7: a non-occupant may not discover occupants; XEP-0410 §3: nor ping them.
            boolean disco = payload != null && (payload.namespace().equals(io.rookery.protocol.xep.disco.Disco.INFO)
                    || payload.namespace().equals(io.rookery.protocol.xep.disco.Disco.ITEMS));
            return refuse(iq, session, disco ? StanzaErrorCondition.BAD_REQUEST : StanzaErrorCondition.NOT_ACCEPTABLE);
        }
        occupancy.sessionSeen(sender, session);
        if (sender.nick.equals(to.resource()) && payload != null
                && payload.is("ping", io.rookery.protocol.xep.ping.Ping.NS)) {
            // XEP-0410 §3: the client is joined under that nick, and the room says so itself.
            return RoomEntity.Step.run(() -> shared.io().result(iq, session, null));
        }
        Occupant target = room.occupants.get(to.resource());
        if (target == null) return refuse(iq, session, StanzaErrorCondition.ITEM_NOT_FOUND);
        String id = "muc" + Long.toHexString(++iqSeq);
        pendingIq.put(id, new PendingIq(from, iq.attr("id"), target.nick, session));
        return RoomEntity.Step.run(() -> shared.io().send(target,
                iq.withAttr("from", room.jid + "/" + sender.nick).withAttr("id", id)));
    }

    /** The answer to an iq the room passed on goes back to its requester, from the target's occupant JID. */
    private RoomEntity.Step answered(Element iq, Jid from) {
        PendingIq p = pendingIq.remove(iq.attr("id"));
        if (p == null) return RoomEntity.Step.NONE;
        Occupant target = room.occupants.get(p.targetNick());
        if (target == null || !target.jid.equals(from)) return RoomEntity.Step.NONE;
        return RoomEntity.Step.run(() -> shared.io().toUser(p.requester(), p.session(),
                iq.withAttr("from", room.jid + "/" + p.targetNick()).withAttr("id", p.id())));
    }
}
