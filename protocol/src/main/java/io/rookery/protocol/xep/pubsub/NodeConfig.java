package io.rookery.protocol.xep.pubsub;

import io.rookery.protocol.xep.dataforms.DataForm;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node's configuration, the §16.4.4 {@code pubsub#node_config} fields Rookery acts on. Immutable; persisted as the
 * map {@link #toMap} gives (a field added later reads as its default from older maps), changed by a submitted form
 * ({@link #with}), compared with publish options ({@link #unmet}).
 *
 * @param maxItems the items kept, newest first; {@link #MAX} stands for "max": the service's limit
 */
public record NodeConfig(String title, AccessModel accessModel, List<String> rosterGroups, int maxItems,
        boolean persistItems, boolean deliverPayloads, boolean deliverNotifications, boolean notifyRetract,
        boolean notifyDelete, boolean notifyConfig, SendLast sendLastPublishedItem, String notificationType,
        PublishModel publishModel, String type) {
    /** "max": as many items as the service keeps. */
    public static final int MAX = Integer.MAX_VALUE;

    /** §4.5 access models; authorize is refused (it needs an owner's approval flow Rookery does not have). */
    public enum AccessModel {
        OPEN("open"), PRESENCE("presence"), ROSTER("roster"), WHITELIST("whitelist");

        public final String value;

        AccessModel(String value) {
            this.value = value;
        }

        static AccessModel of(String v) {
            for (AccessModel m : values()) if (m.value.equals(v)) return m;
            throw new IllegalArgumentException("access model " + v);
        }
    }

    /** §16.4.4 pubsub#publish_model. */
    public enum PublishModel {
        PUBLISHERS("publishers"), SUBSCRIBERS("subscribers"), OPEN("open");

        public final String value;

        PublishModel(String value) {
            this.value = value;
        }

        static PublishModel of(String v) {
            for (PublishModel m : values()) if (m.value.equals(v)) return m;
            throw new IllegalArgumentException("publish model " + v);
        }
    }

    /** §16.4.4 pubsub#send_last_published_item. */
    public enum SendLast {
        NEVER("never"), ON_SUB("on_sub"), ON_SUB_AND_PRESENCE("on_sub_and_presence");

        public final String value;

        SendLast(String value) {
            this.value = value;
        }

        static SendLast of(String v) {
            for (SendLast m : values()) if (m.value.equals(v)) return m;
            throw new IllegalArgumentException("send_last_published_item " + v);
        }
    }

    public static final String TITLE = "pubsub#title";
    public static final String ACCESS_MODEL = "pubsub#access_model";
    public static final String ROSTER_GROUPS = "pubsub#roster_groups_allowed";
    public static final String MAX_ITEMS = "pubsub#max_items";
    public static final String PERSIST_ITEMS = "pubsub#persist_items";
    public static final String DELIVER_PAYLOADS = "pubsub#deliver_payloads";
    public static final String DELIVER_NOTIFICATIONS = "pubsub#deliver_notifications";
    public static final String NOTIFY_RETRACT = "pubsub#notify_retract";
    public static final String NOTIFY_DELETE = "pubsub#notify_delete";
    public static final String NOTIFY_CONFIG = "pubsub#notify_config";
    public static final String SEND_LAST = "pubsub#send_last_published_item";
    public static final String NOTIFICATION_TYPE = "pubsub#notification_type";
    public static final String PUBLISH_MODEL = "pubsub#publish_model";
    public static final String TYPE = "pubsub#type";

    private static final Set<String> KNOWN = Set.of(TITLE, ACCESS_MODEL, ROSTER_GROUPS, MAX_ITEMS, PERSIST_ITEMS,
            DELIVER_PAYLOADS, DELIVER_NOTIFICATIONS, NOTIFY_RETRACT, NOTIFY_DELETE, NOTIFY_CONFIG, SEND_LAST,
            NOTIFICATION_TYPE, PUBLISH_MODEL, TYPE);

    public NodeConfig {
        rosterGroups = List.copyOf(rosterGroups);
        if (maxItems < 1) throw new IllegalArgumentException("max_items below 1");
    }

    /** XEP-0163 §4's defaults for a personal node: presence access, the last item kept and sent at presence. */
    public static final NodeConfig PEP_DEFAULT = new NodeConfig(null, AccessModel.PRESENCE, List.of(), 1, true, true,
            true, true, true, false, SendLast.ON_SUB_AND_PRESENCE, "headline", PublishModel.PUBLISHERS, null);

    /** The configuration as stored: every field Rookery knows, list values one per line. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        if (title != null) m.put(TITLE, title);
        m.put(ACCESS_MODEL, accessModel.value);
        if (!rosterGroups.isEmpty()) m.put(ROSTER_GROUPS, String.join("\n", rosterGroups));
        m.put(MAX_ITEMS, maxItems == MAX ? "max" : Integer.toString(maxItems));
        m.put(PERSIST_ITEMS, bool(persistItems));
        m.put(DELIVER_PAYLOADS, bool(deliverPayloads));
        m.put(DELIVER_NOTIFICATIONS, bool(deliverNotifications));
        m.put(NOTIFY_RETRACT, bool(notifyRetract));
        m.put(NOTIFY_DELETE, bool(notifyDelete));
        m.put(NOTIFY_CONFIG, bool(notifyConfig));
        m.put(SEND_LAST, sendLastPublishedItem.value);
        m.put(NOTIFICATION_TYPE, notificationType);
        m.put(PUBLISH_MODEL, publishModel.value);
        if (type != null) m.put(TYPE, type);
        return m;
    }

    /** A stored configuration over these defaults (fields it lacks keep the default's value). */
    public static NodeConfig fromMap(NodeConfig defaults, Map<String, String> stored) {
        Map<String, List<String>> asForm = new LinkedHashMap<>();
        stored.forEach((k, v) -> asForm.put(k, ROSTER_GROUPS.equals(k) ? List.of(v.split("\n")) : List.of(v)));
        return defaults.with(asForm, MAX);
    }

    /**
     * This configuration with the submitted form's values (§8.2.4); fields Rookery does not know are ignored.
     *
     * @param limit the service's largest max_items: larger numbers become it ("max" stays {@link #MAX}, which the
     *     service reads as its limit when it trims)
     * @throws IllegalArgumentException for a value the field does not allow (§8.2.5.3: not-acceptable)
     */
    public NodeConfig with(Map<String, List<String>> form, int limit) {
        String title = this.title;
        AccessModel access = accessModel;
        List<String> groups = rosterGroups;
        int max = maxItems;
        boolean persist = persistItems, payloads = deliverPayloads, notifications = deliverNotifications;
        boolean retract = notifyRetract, delete = notifyDelete, config = notifyConfig;
        SendLast sendLast = sendLastPublishedItem;
        String notification = notificationType;
        PublishModel publish = publishModel;
        String type = this.type;
        for (Map.Entry<String, List<String>> f : form.entrySet()) {
            List<String> values = f.getValue();
            String v = values.isEmpty() ? "" : values.get(0);
            switch (f.getKey()) {
                case TITLE -> title = v.isEmpty() ? null : v;
                case ACCESS_MODEL -> access = AccessModel.of(v);
                case ROSTER_GROUPS -> groups = values.stream().filter(g -> !g.isEmpty()).toList();
                case MAX_ITEMS -> max = maxItems(v, limit);
                case PERSIST_ITEMS -> persist = bool(v);
                case DELIVER_PAYLOADS -> payloads = bool(v);
                case DELIVER_NOTIFICATIONS -> notifications = bool(v);
                case NOTIFY_RETRACT -> retract = bool(v);
                case NOTIFY_DELETE -> delete = bool(v);
                case NOTIFY_CONFIG -> config = bool(v);
                case SEND_LAST -> sendLast = SendLast.of(v);
                case NOTIFICATION_TYPE -> {
                    if (!v.equals("headline") && !v.equals("normal")) throw new IllegalArgumentException(v);
                    notification = v;
                }
                case PUBLISH_MODEL -> publish = PublishModel.of(v);
                case TYPE -> type = v.isEmpty() ? null : v;
                default -> { }
            }
        }
        if (longer(title, MAX_TEXT) || longer(type, MAX_TEXT) || groups.size() > MAX_GROUPS
                || groups.stream().anyMatch(g -> longer(g, MAX_TEXT))) {
            throw new IllegalArgumentException("a value longer than the node keeps");
        }
        return new NodeConfig(title, access, groups, max, persist, payloads, notifications,
                retract, delete, config, sendLast, notification, publish, type);
    }

    /**
     * §7.1.5: the publish options this configuration does not meet (the var of the first one), or null. A field
     * Rookery does not know is a precondition it cannot promise, so it is unmet too, except FORM_TYPE.
     */
    public String unmet(Map<String, List<String>> options, int limit) {
        for (Map.Entry<String, List<String>> o : options.entrySet()) {
            String var = o.getKey();
            if ("FORM_TYPE".equals(var)) continue;
            if (!KNOWN.contains(var)) return var;
            NodeConfig asked;
            try {
                asked = with(Map.of(var, o.getValue()), limit);
            } catch (IllegalArgumentException e) {
                return var;
            }
            if (!asked.equals(this)) return var;
        }
        return null;
    }

    /** §8.2.1: the configuration form an owner fills in. */
    public Element form() {
        List<DataForm.Field> f = new ArrayList<>();
        f.add(new DataForm.Field(TITLE, "text-single", title == null ? "" : title));
        f.add(new DataForm.Field(ACCESS_MODEL, "list-single", accessModel.value, null));
        f.add(new DataForm.Field(MAX_ITEMS, "text-single", maxItems == MAX ? "max" : Integer.toString(maxItems)));
        f.add(new DataForm.Field(PERSIST_ITEMS, "boolean", bool(persistItems)));
        f.add(new DataForm.Field(DELIVER_PAYLOADS, "boolean", bool(deliverPayloads)));
        f.add(new DataForm.Field(DELIVER_NOTIFICATIONS, "boolean", bool(deliverNotifications)));
        f.add(new DataForm.Field(NOTIFY_RETRACT, "boolean", bool(notifyRetract)));
        f.add(new DataForm.Field(NOTIFY_DELETE, "boolean", bool(notifyDelete)));
        f.add(new DataForm.Field(NOTIFY_CONFIG, "boolean", bool(notifyConfig)));
        f.add(new DataForm.Field(SEND_LAST, "list-single", sendLastPublishedItem.value));
        f.add(new DataForm.Field(NOTIFICATION_TYPE, "list-single", notificationType));
        f.add(new DataForm.Field(PUBLISH_MODEL, "list-single", publishModel.value));
        f.add(new DataForm.Field(TYPE, "text-single", type == null ? "" : type));
        Element x = DataForm.form(PubSub.NODE_CONFIG, f);
        // The options of the list fields and the roster groups, which DataForm's fields do not carry.
        List<io.rookery.protocol.xml.Node> fields = new ArrayList<>();
        for (Element field : x.elements()) {
            String var = field.attr("var");
            List<io.rookery.protocol.xml.Node> children = new ArrayList<>(field.children());
            if (ACCESS_MODEL.equals(var)) for (AccessModel m : AccessModel.values()) children.add(option(m.value));
            if (SEND_LAST.equals(var)) for (SendLast m : SendLast.values()) children.add(option(m.value));
            if (PUBLISH_MODEL.equals(var)) for (PublishModel m : PublishModel.values()) children.add(option(m.value));
            if (NOTIFICATION_TYPE.equals(var)) {
                children.add(option("normal"));
                children.add(option("headline"));
            }
            fields.add(field.withChildren(children));
            if (ACCESS_MODEL.equals(var)) {
                Element.Builder groupsField = Element.builder("field", DataForm.NS).attr("var", ROSTER_GROUPS)
                        .attr("type", "list-multi");
                for (String g : rosterGroups) {
                    groupsField.child(Element.builder("value", DataForm.NS).text(g).build());
                }
                fields.add(groupsField.build());
            }
        }
        return x.withChildren(fields);
    }

    /** The longest title, type or roster group kept, in characters; the most roster groups. */
    static final int MAX_TEXT = 1024;
    static final int MAX_GROUPS = 64;

    private static boolean longer(String s, int max) {
        return s != null && s.length() > max;
    }

    private static Element option(String value) {
        return Element.builder("option", DataForm.NS)
                .child(Element.builder("value", DataForm.NS).text(value).build()).build();
    }

    private static int maxItems(String v, int limit) {
        if ("max".equals(v)) return MAX;
        try {
            long n = Long.parseLong(v.trim());
            if (n < 1) throw new IllegalArgumentException("max_items " + v);
            return (int) Math.min(n, limit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("max_items " + v);
        }
    }

    private static boolean bool(String v) {
        return switch (v) {
            case "1", "true" -> true;
            case "0", "false" -> false;
            default -> throw new IllegalArgumentException("boolean " + v);
        };
    }

    private static String bool(boolean b) {
        return b ? "1" : "0";
    }
}
