package io.rookery.node.ext.pubsub;

import io.rookery.protocol.xep.dataforms.DataForm;
import io.rookery.protocol.xep.pubsub.PubSub;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A subscription's §6.3 options, the {@code pubsub#subscribe_options} fields Rookery keeps: whether notifications
 * are delivered (acted on), and include_body and show-values (kept and shown, not acted on: presence-based delivery
 * is not done). Digests are refused. Persisted as {@link #toMap}.
 */
record SubscribeOptions(boolean deliver, boolean includeBody, List<String> showValues) {
    static final String FORM_TYPE = PubSub.NS + "#subscribe_options";
    static final String DELIVER = "pubsub#deliver";
    static final String DIGEST = "pubsub#digest";
    static final String INCLUDE_BODY = "pubsub#include_body";
    static final String SHOW_VALUES = "pubsub#show-values";
    private static final List<String> SHOWS = List.of("away", "chat", "dnd", "online", "xa");

    static final SubscribeOptions DEFAULT = new SubscribeOptions(true, false, List.of());

    SubscribeOptions {
        showValues = List.copyOf(showValues);
    }

    Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(DELIVER, deliver ? "1" : "0");
        m.put(INCLUDE_BODY, includeBody ? "1" : "0");
        if (!showValues.isEmpty()) m.put(SHOW_VALUES, String.join("\n", showValues));
        return m;
    }

    static SubscribeOptions fromMap(Map<String, String> stored) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        stored.forEach((k, v) -> form.put(k, SHOW_VALUES.equals(k) ? List.of(v.split("\n")) : List.of(v)));
        try {
            return DEFAULT.with(form);
        } catch (IllegalArgumentException e) {
            return DEFAULT;
        }
    }

    /**
     * These options with the submitted form's values; unknown fields are ignored.
     *
     * @throws IllegalArgumentException for a value the field does not allow, or a digest (§6.3.6: invalid-options)
     */
    SubscribeOptions with(Map<String, List<String>> form) {
        boolean deliver = this.deliver;
        boolean body = includeBody;
        List<String> shows = showValues;
        for (Map.Entry<String, List<String>> f : form.entrySet()) {
            String v = f.getValue().isEmpty() ? "" : f.getValue().get(0);
            switch (f.getKey()) {
                case DELIVER -> deliver = bool(v);
                case DIGEST -> {
                    if (bool(v)) throw new IllegalArgumentException("digests are not supported");
                }
                case INCLUDE_BODY -> body = bool(v);
                case SHOW_VALUES -> {
                    for (String s : f.getValue()) {
                        if (!SHOWS.contains(s)) throw new IllegalArgumentException("show value " + s);
                    }
                    shows = List.copyOf(Set.copyOf(f.getValue())).stream().sorted().toList();
                }
                default -> { }
            }
        }
        return new SubscribeOptions(deliver, body, shows);
    }

    /** §6.3.2: the options form a subscriber fills in. */
    Element form() {
        List<DataForm.Field> fields = List.of(new DataForm.Field(DELIVER, "boolean", deliver ? "1" : "0"),
                new DataForm.Field(DIGEST, "boolean", "0"),
                new DataForm.Field(INCLUDE_BODY, "boolean", includeBody ? "1" : "0"));
        Element x = DataForm.form(FORM_TYPE, fields);
        Element.Builder show = Element.builder("field", DataForm.NS).attr("var", SHOW_VALUES)
                .attr("type", "list-multi");
        for (String s : SHOWS) {
            show.child(Element.builder("option", DataForm.NS)
                    .child(Element.builder("value", DataForm.NS).text(s).build()).build());
        }
        for (String s : showValues) show.child(Element.builder("value", DataForm.NS).text(s).build());
        List<Node> children = new ArrayList<>(x.children());
        children.add(show.build());
        return x.withChildren(children);
    }

    private static boolean bool(String v) {
        return switch (v) {
            case "1", "true" -> true;
            case "0", "false" -> false;
            default -> throw new IllegalArgumentException("boolean " + v);
        };
    }
}
