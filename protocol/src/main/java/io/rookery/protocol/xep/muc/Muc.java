package io.rookery.protocol.xep.muc;

import io.rookery.protocol.xml.Element;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** XEP-0045 elements, read from what clients send and written as rooms send them. */
public final class Muc {
    public static final String NS = "http://jabber.org/protocol/muc";
    public static final String USER = NS + "#user";
    public static final String ADMIN = NS + "#admin";
    public static final String OWNER = NS + "#owner";
    public static final String ROOMCONFIG = NS + "#roomconfig";
    public static final String ROOMINFO = NS + "#roominfo";
    public static final String REQUEST = NS + "#request";
    public static final String REGISTER = "jabber:iq:register";
    /** XEP-0249 direct invitations. */
    public static final String DIRECT_INVITE = "jabber:x:conference";
    /** XEP-0421 occupant identifiers. */
    public static final String OCCUPANT_ID = "urn:xmpp:occupant-id:0";

    private Muc() {}

    /** §5.2 affiliations, highest first. */
    public enum Affiliation {
        OWNER, ADMIN, MEMBER, NONE, OUTCAST;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The affiliation named so, or null. */
        public static Affiliation of(String value) {
            if (value == null) return null;
            for (Affiliation a : values()) if (a.value().equals(value)) return a;
            return null;
        }

        /** Owner and admin: the affiliations that may administer the room. */
        public boolean atLeastAdmin() {
            return this == OWNER || this == ADMIN;
        }
    }

    /** §5.1 roles, highest first. */
    public enum Role {
        MODERATOR, PARTICIPANT, VISITOR, NONE;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Role of(String value) {
            if (value == null) return null;
            for (Role r : values()) if (r.value().equals(value)) return r;
            return null;
        }
    }

    /** The status codes of §15.6 that rooms send. */
    public static final class Status {
        public static final int REAL_JID_PUBLIC = 100;
        public static final int AFFILIATION_CHANGED = 101;
        public static final int CONFIG_SHOWS_UNAVAILABLE = 102;
        public static final int CONFIG_NON_PRIVACY = 104;
        public static final int SELF = 110;
        public static final int LOGGING_ON = 170;
        public static final int LOGGING_OFF = 171;
        public static final int NON_ANONYMOUS = 172;
        public static final int SEMI_ANONYMOUS = 173;
        public static final int ROOM_CREATED = 201;
        public static final int NICK_MODIFIED = 210;
        public static final int BANNED = 301;
        public static final int NEW_NICK = 303;
        public static final int KICKED = 307;
        public static final int AFFILIATION_REMOVED = 321;
        public static final int MEMBERS_ONLY_REMOVED = 322;
        public static final int SHUTDOWN = 332;
        public static final int ERROR_REMOVED = 333;

        private Status() {}
    }

    /**
     * §7.2.15 discussion history limits, each -1 when absent; since null when absent. A request with none gives
     * the room's default.
     */
    public record History(int maxchars, int maxstanzas, int seconds, Instant since) {
        public static final History DEFAULT = new History(-1, -1, -1, null);
    }

    /** §7.2: what a presence to an occupant JID asks when it carries {@code <x xmlns=muc>}. */
    public record Join(String password, History history) {}

    /**
     * The join request in a presence, or null when it has none (a presence to a room without it is a presence
     * update or, from a non-occupant, a join by an old client, §7.2.1).
     *
     * @throws IllegalArgumentException for history limits that are not numbers or dates
     */
    public static Join join(Element presence) {
        Element x = presence.child("x", NS);
        if (x == null) return null;
        Element h = x.child("history", NS);
        History history = History.DEFAULT;
        if (h != null) {
            history = new History(count(h.attr("maxchars")), count(h.attr("maxstanzas")), count(h.attr("seconds")),
                    instant(h.attr("since")));
        }
        return new Join(x.childText("password", NS), history);
    }

    private static int count(String v) {
        if (v == null) return -1;
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) throw new IllegalArgumentException("negative history limit " + v);
            return (int) Math.min(Integer.MAX_VALUE, n);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("history limit " + v);
        }
    }

    private static Instant instant(String v) {
        if (v == null) return null;
        try {
            return java.time.OffsetDateTime.parse(v.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("history since " + v);
        }
    }

    /**
     * An {@code <item/>} of {@code muc#user} or {@code muc#admin}: affiliation and role (null: not said), real JID,
     * nick, reason and actor's nick (null: absent).
     */
    public record Item(Affiliation affiliation, Role role, String jid, String nick, String reason, String actor) {
        public Element toXml(String namespace) {
            Element.Builder b = Element.builder("item", namespace)
                    .attr("affiliation", affiliation == null ? null : affiliation.value())
                    .attr("jid", jid)
                    .attr("nick", nick)
                    .attr("role", role == null ? null : role.value());
            if (actor != null) b.child(Element.builder("actor", namespace).attr("nick", actor).build());
            if (reason != null) b.child(Element.builder("reason", namespace).text(reason).build());
            return b.build();
        }

        /**
         * The item as a client wrote it; an affiliation or role it names that does not exist is refused.
         *
         * @throws IllegalArgumentException for an unknown affiliation or role
         */
        public static Item parse(Element item) {
            String a = item.attr("affiliation");
            String r = item.attr("role");
            Affiliation affiliation = Affiliation.of(a);
            Role role = Role.of(r);
            if (a != null && affiliation == null) throw new IllegalArgumentException("affiliation " + a);
            if (r != null && role == null) throw new IllegalArgumentException("role " + r);
            Element actor = item.child("actor", null);
            return new Item(affiliation, role, item.attr("jid"), item.attr("nick"),
                    item.childText("reason", item.namespace()), actor == null ? null : actor.attr("nick"));
        }
    }

    /** The items of a {@code muc#admin} query (§9, §10), in order. */
    public static List<Item> adminItems(Element query) {
        List<Item> items = new ArrayList<>();
        for (Element item : query.children("item", ADMIN)) items.add(Item.parse(item));
        return items;
    }

    /** {@code <x xmlns=muc#user>} with one item and these status codes, in order. */
    public static Element userX(Item item, List<Integer> statuses) {
        Element.Builder x = Element.builder("x", USER);
        if (item != null) x.child(item.toXml(USER));
        for (int code : statuses) x.child(status(code));
        return x.build();
    }

    public static Element status(int code) {
        return Element.builder("status", USER).attr("code", Integer.toString(code)).build();
    }

    /** §10.9: the {@code <destroy/>} a room's occupants are told of, with the alternate venue and reason. */
    public static Element destroyed(String alternate, String password, String reason) {
        Element.Builder d = Element.builder("destroy", USER).attr("jid", alternate);
        if (password != null) d.child(Element.builder("password", USER).text(password).build());
        if (reason != null) d.child(Element.builder("reason", USER).text(reason).build());
        return d.build();
    }

    /** XEP-0421: the occupant id a room stamps on what an occupant sends. */
    public static Element occupantId(String id) {
        return Element.builder("occupant-id", OCCUPANT_ID).attr("id", id).build();
    }
}
