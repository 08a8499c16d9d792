package io.rookery.node.ext.muc;

import io.rookery.protocol.xep.dataforms.DataForm;
import io.rookery.protocol.xep.muc.Muc;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A room's configuration (XEP-0045 §10.2, the {@code muc#roomconfig} FORM_TYPE of §15.5.3), as the owner last
 * submitted it over the service's defaults. Stored as the var-to-value map of {@code RoomConfigured}: a field this
 * version does not know survives, and one it adds later starts at its default.
 */
record RoomConfig(String name, String description, String lang, boolean persistent, boolean isPublic,
        boolean membersOnly, boolean moderated, boolean passwordProtected, String password, int maxUsers,
        Whois whois, boolean changeSubject, boolean allowInvites, AllowPm allowPm, boolean logging,
        Set<Muc.Role> presenceBroadcast, int maxHistory, Set<Muc.Role> getMemberList, String pubsub) {
    static final String FORM_TYPE = Muc.ROOMCONFIG;
    static final String P = "muc#roomconfig_";

    /** §15.5.3 whois: who may see occupants' real JIDs. */
    enum Whois {
        MODERATORS, ANYONE;

        String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Who may send private messages (muc#roomconfig_allowpm, as ejabberd and Prosody offer it). */
    enum AllowPm {
        ANYONE, PARTICIPANTS, MODERATORS, NONE;

        String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The service's defaults for a new room. */
    static RoomConfig defaults(MucSettings s) {
        return new RoomConfig("", "", "", s.defaultPersistent(), s.defaultPublic(), false, s.defaultModerated(),
                false, "", s.defaultMaxUsers(), Whois.MODERATORS, false, false, AllowPm.ANYONE, s.defaultLogging(),
                EnumSet.of(Muc.Role.MODERATOR, Muc.Role.PARTICIPANT, Muc.Role.VISITOR), s.defaultHistory(),
                EnumSet.of(Muc.Role.MODERATOR), "");
    }

    /** The stored fields over the defaults; values out of range fall back to the default. */
    static RoomConfig from(Map<String, String> f, MucSettings s) {
        RoomConfig d = defaults(s);
        return new RoomConfig(f.getOrDefault(P + "roomname", d.name), f.getOrDefault(P + "roomdesc", d.description),
                f.getOrDefault(P + "lang", d.lang), bool(f.get(P + "persistentroom"), d.persistent),
                bool(f.get(P + "publicroom"), d.isPublic), bool(f.get(P + "membersonly"), d.membersOnly),
                bool(f.get(P + "moderatedroom"), d.moderated),
                bool(f.get(P + "passwordprotectedroom"), d.passwordProtected),
                f.getOrDefault(P + "roomsecret", d.password), maxUsers(f.get(P + "maxusers"), d.maxUsers, s),
                "anyone".equals(f.get(P + "whois")) ? Whois.ANYONE : Whois.MODERATORS,
                bool(f.get(P + "changesubject"), d.changeSubject), bool(f.get(P + "allowinvites"), d.allowInvites),
                allowPm(f.get(P + "allowpm"), d.allowPm), bool(f.get(P + "enablelogging"), d.logging),
                roles(f.get(P + "presencebroadcast"), d.presenceBroadcast),
                count(f.get("muc#maxhistoryfetch"), d.maxHistory, s.maxHistory()),
                roles(f.get(P + "getmemberlist"), d.getMemberList), f.getOrDefault(P + "pubsub", d.pubsub));
    }

    /** The map stored in {@code RoomConfigured}. */
    Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(P + "roomname", name);
        m.put(P + "roomdesc", description);
        m.put(P + "lang", lang);
        m.put(P + "persistentroom", bit(persistent));
        m.put(P + "publicroom", bit(isPublic));
        m.put(P + "membersonly", bit(membersOnly));
        m.put(P + "moderatedroom", bit(moderated));
        m.put(P + "passwordprotectedroom", bit(passwordProtected));
        m.put(P + "roomsecret", password);
        m.put(P + "maxusers", Integer.toString(maxUsers));
        m.put(P + "whois", whois.value());
        m.put(P + "changesubject", bit(changeSubject));
        m.put(P + "allowinvites", bit(allowInvites));
        m.put(P + "allowpm", allowPm.value());
        m.put(P + "enablelogging", bit(logging));
        m.put(P + "presencebroadcast", String.join("\n", values(presenceBroadcast)));
        m.put("muc#maxhistoryfetch", Integer.toString(maxHistory));
        m.put(P + "getmemberlist", String.join("\n", values(getMemberList)));
        m.put(P + "pubsub", pubsub);
        return m;
    }

    /**
     * This configuration with the owner's submitted fields applied (§10.2); fields not submitted keep their value.
     * The owners and admins fields are not configuration: the caller turns them into affiliations.
     *
     * @throws IllegalArgumentException for a value the field cannot take
     */
    RoomConfig submit(Map<String, List<String>> fields, MucSettings s) {
        Map<String, String> m = toMap();
        for (Map.Entry<String, List<String>> e : fields.entrySet()) {
            String var = e.getKey();
            List<String> values = e.getValue();
            if (!m.containsKey(var)) continue; // FORM_TYPE, roomowners, roomadmins, fields we do not offer
            String value = var.equals(P + "presencebroadcast") || var.equals(P + "getmemberlist")
                    ? String.join("\n", values)
                    : values.isEmpty() ? "" : values.get(0);
            if (var.equals(P + "maxusers") && value.equals(NO_MAX_USERS)) value = Integer.toString(s.maxOccupants());
            check(var, value, s);
            m.put(var, value);
        }
        RoomConfig next = from(m, s);
        // §10.2: a room that is not password-protected has no password to check.
        return next.passwordProtected || next.password.isEmpty() ? next : next.withPassword("");
    }

    private RoomConfig withPassword(String p) {
        return new RoomConfig(name, description, lang, persistent, isPublic, membersOnly, moderated, passwordProtected,
                p, maxUsers, whois, changeSubject, allowInvites, allowPm, logging, presenceBroadcast, maxHistory,
                getMemberList, pubsub);
    }

    private static void check(String var, String value, MucSettings s) {
        switch (var.substring(var.indexOf('_') + 1)) {
            case "persistentroom", "publicroom", "membersonly", "moderatedroom", "passwordprotectedroom",
                    "changesubject", "allowinvites", "enablelogging" -> {
                if (!value.equals("0") && !value.equals("1") && !value.equals("true") && !value.equals("false")) {
                    throw new IllegalArgumentException(var + "=" + value);
                }
            }
            case "maxusers" -> {
                int n = parse(value);
                if (n < 1 || n > s.maxOccupants()) throw new IllegalArgumentException(var + "=" + value);
            }
            case "maxhistoryfetch" -> {
                int n = parse(value);
                if (n < 0 || n > s.maxHistory()) throw new IllegalArgumentException(var + "=" + value);
            }
            case "whois" -> {
                if (!value.equals("moderators") && !value.equals("anyone")) {
                    throw new IllegalArgumentException(var + "=" + value);
                }
            }
            case "allowpm" -> {
                if (allowPm(value, null) == null) throw new IllegalArgumentException(var + "=" + value);
            }
            case "presencebroadcast", "getmemberlist" -> {
                for (String r : value.split("\n")) {
                    if (!r.isEmpty() && Muc.Role.of(r) == null) throw new IllegalArgumentException(var + "=" + r);
                }
            }
            default -> {
                if (value.length() > 4096) throw new IllegalArgumentException(var + " too long");
            }
        }
    }

    /** §10.2: the form an owner fills in, with the current values, the owners and admins given. */
    Element form(List<String> owners, List<String> admins, MucSettings s) {
        List<DataForm.Field> f = new ArrayList<>();
        f.add(new DataForm.Field(P + "roomname", "text-single", name));
        f.add(new DataForm.Field(P + "roomdesc", "text-single", description));
        f.add(new DataForm.Field(P + "lang", "text-single", lang));
        f.add(new DataForm.Field(P + "persistentroom", "boolean", bit(persistent)));
        f.add(new DataForm.Field(P + "publicroom", "boolean", bit(isPublic)));
        f.add(new DataForm.Field(P + "membersonly", "boolean", bit(membersOnly)));
        f.add(new DataForm.Field(P + "moderatedroom", "boolean", bit(moderated)));
        f.add(new DataForm.Field(P + "passwordprotectedroom", "boolean", bit(passwordProtected)));
        f.add(new DataForm.Field(P + "roomsecret", "text-private", password));
        f.add(new DataForm.Field(P + "changesubject", "boolean", bit(changeSubject)));
        f.add(new DataForm.Field(P + "allowinvites", "boolean", bit(allowInvites)));
        f.add(new DataForm.Field(P + "enablelogging", "boolean", bit(logging)));
        f.add(new DataForm.Field("muc#maxhistoryfetch", "text-single", Integer.toString(maxHistory)));
        Element form = DataForm.form(FORM_TYPE, f);
        List<io.rookery.protocol.xml.Node> children = new ArrayList<>(form.children());
        children.add(multi(P + "maxusers", "list-single", List.of(Integer.toString(maxUsers)), maxUsersOptions(s)));
        children.add(multi(P + "whois", "list-single", List.of(whois.value()), "moderators", "anyone"));
        children.add(multi(P + "allowpm", "list-single", List.of(allowPm.value()), "anyone", "participants",
                "moderators", "none"));
        children.add(multi(P + "presencebroadcast", "list-multi", values(presenceBroadcast), "moderator", "participant",
                "visitor"));
        children.add(multi(P + "getmemberlist", "list-multi", values(getMemberList), "moderator", "participant",
                "visitor"));
        children.add(multi(P + "pubsub", "text-single", List.of(pubsub)));
        children.add(multi(P + "roomadmins", "jid-multi", admins));
        children.add(multi(P + "roomowners", "jid-multi", owners));
        return form.withChildren(children);
    }

    /**
     * §15.5.3 registers muc#roomconfig_maxusers as list-single (clients such as Smack 4.5 refuse a form that types
     * it otherwise): the XEP's choices up to the service's max-occupants, which "none" stands for, and the room's
     * own value. Any number within the limit is taken when submitted, as a text field's would be.
     */
    private String[] maxUsersOptions(MucSettings s) {
        java.util.TreeSet<Integer> choices = new java.util.TreeSet<>();
        for (int n : new int[] {10, 20, 30, 50, 100}) if (n <= s.maxOccupants()) choices.add(n);
        choices.add(maxUsers);
        List<String> out = new ArrayList<>();
        for (int n : choices) out.add(Integer.toString(n));
        out.add(NO_MAX_USERS);
        return out.toArray(String[]::new);
    }

    /** The maxusers choice meaning no limit of the room's own: the service's max-occupants. */
    static final String NO_MAX_USERS = "none";

    private static List<String> values(Set<Muc.Role> roles) {
        List<String> out = new ArrayList<>();
        for (Muc.Role r : roles) out.add(r.value());
        return out;
    }

    private static Element option(String v) {
        return Element.builder("option", DataForm.NS)
                .child(Element.builder("value", DataForm.NS).text(v).build()).build();
    }

    private static Element multi(String var, String type, List<String> values, String... options) {
        Element.Builder b = Element.builder("field", DataForm.NS).attr("var", var).attr("type", type);
        for (String v : values) b.child(Element.builder("value", DataForm.NS).text(v).build());
        for (String o : options) b.child(option(o));
        return b.build();
    }

    /** §15.5.4 muc#roominfo, and the features of §15.2 that reflect this configuration, for disco#info. */
    List<String> features() {
        List<String> f = new ArrayList<>();
        f.add(Muc.NS);
        f.add(isPublic ? "muc_public" : "muc_hidden");
        f.add(persistent ? "muc_persistent" : "muc_temporary");
        f.add(membersOnly ? "muc_membersonly" : "muc_open");
        f.add(moderated ? "muc_moderated" : "muc_unmoderated");
        f.add(passwordProtected ? "muc_passwordprotected" : "muc_unsecured");
        f.add(whois == Whois.ANYONE ? "muc_nonanonymous" : "muc_semianonymous");
        return f;
    }

    Element roomInfo(int occupants, String subject) {
        List<DataForm.Field> f = new ArrayList<>();
        f.add(new DataForm.Field("muc#roominfo_description", "text-single", description));
        f.add(new DataForm.Field("muc#roominfo_occupants", "text-single", Integer.toString(occupants)));
        f.add(new DataForm.Field("muc#roominfo_subject", "text-single", subject));
        f.add(new DataForm.Field("muc#roominfo_changesubject", "boolean", bit(changeSubject)));
        f.add(new DataForm.Field("muc#roominfo_lang", "text-single", lang));
        f.add(new DataForm.Field("muc#roomconfig_allowinvites", "boolean", bit(allowInvites)));
        f.add(new DataForm.Field("muc#maxhistoryfetch", "text-single", Integer.toString(maxHistory)));
        Element form = DataForm.form(Muc.ROOMINFO, f);
        // Results carry values, not a form to fill in (XEP-0128).
        return form.withAttr("type", "result");
    }

    private static String bit(boolean b) {
        return b ? "1" : "0";
    }

    private static boolean bool(String v, boolean d) {
        if (v == null) return d;
        return v.equals("1") || v.equals("true");
    }

    private static int parse(String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + v);
        }
    }

    private static int maxUsers(String v, int d, MucSettings s) {
        if (v == null) return d;
        try {
            int n = Integer.parseInt(v);
            return n < 1 || n > s.maxOccupants() ? d : n;
        } catch (NumberFormatException e) {
            return d;
        }
    }

    private static int count(String v, int d, int max) {
        if (v == null) return d;
        try {
            int n = Integer.parseInt(v);
            return n < 0 || n > max ? d : n;
        } catch (NumberFormatException e) {
            return d;
        }
    }

    private static AllowPm allowPm(String v, AllowPm d) {
        if (v == null) return d;
        for (AllowPm a : AllowPm.values()) if (a.value().equals(v)) return a;
        return d;
    }

    private static Set<Muc.Role> roles(String v, Set<Muc.Role> d) {
        if (v == null) return d;
        Set<Muc.Role> out = EnumSet.noneOf(Muc.Role.class);
        for (String r : v.split("\n")) {
            Muc.Role role = Muc.Role.of(r);
            if (role != null && role != Muc.Role.NONE) out.add(role);
        }
        return out;
    }
}
