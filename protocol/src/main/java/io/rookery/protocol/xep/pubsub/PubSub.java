package io.rookery.protocol.xep.pubsub;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Node;
import java.util.ArrayList;
import java.util.List;

/** XEP-0060 namespaces, the notifications a service sends, and its errors. */
public final class PubSub {
    public static final String NS = "http://jabber.org/protocol/pubsub";
    public static final String OWNER = NS + "#owner";
    public static final String EVENT = NS + "#event";
    public static final String ERRORS = NS + "#errors";
    /** §16.4.4: the FORM_TYPE of node configuration. */
    public static final String NODE_CONFIG = NS + "#node_config";
    /** §7.1.5: the FORM_TYPE of publish options. */
    public static final String PUBLISH_OPTIONS = NS + "#publish-options";
    /** §16.4.3: the FORM_TYPE of the node metadata in disco#info. */
    public static final String META_DATA = NS + "#meta-data";
    /** XEP-0163 §4: the suffix a client appends to a namespace in its caps to ask for its notifications. */
    public static final String NOTIFY_SUFFIX = "+notify";

    private PubSub() {}

    /** A feature of §10, as it appears in disco#info: {@code http://jabber.org/protocol/pubsub#<name>}. */
    public static String feature(String name) {
        return NS + "#" + name;
    }

    /**
     * The error reply to a pubsub request: the stanza condition and, when not null, the §7 / §8 application
     * condition in {@code #errors}, with the feature the request needed for {@code unsupported}.
     */
    public static Element error(Element iq, StanzaErrorCondition condition, String pubsubCondition, String feature) {
        Element reply = Stanzas.errorReply(iq, StanzaError.of(condition));
        if (pubsubCondition == null) return reply;
        Element.Builder app = Element.builder(pubsubCondition, ERRORS);
        if (feature != null) app.attr("feature", feature);
        List<Node> children = new ArrayList<>(reply.children().size());
        for (Node n : reply.children()) {
            if (n instanceof Element e && e.name().equals("error")) {
                List<Node> inner = new ArrayList<>(e.children());
                inner.add(app.build());
                n = e.withChildren(inner);
            }
            children.add(n);
        }
        return reply.withChildren(children);
    }

    /** §7.1.2: a notification of published items, with their payloads or ids only. */
    public static Element itemsEvent(String node, List<Element> items) {
        Element.Builder b = Element.builder("items", EVENT).attr("node", node);
        for (Element item : items) b.child(inEvent(item));
        return event(b.build());
    }

    /** §7.2.2: a notification that items were retracted. */
    public static Element retractEvent(String node, List<String> ids) {
        Element.Builder b = Element.builder("items", EVENT).attr("node", node);
        for (String id : ids) b.child(Element.builder("retract", EVENT).attr("id", id).build());
        return event(b.build());
    }

    /** §8.4.2: the node was deleted. */
    public static Element deleteEvent(String node) {
        return event(Element.builder("delete", EVENT).attr("node", node).build());
    }

    /** §8.5.2: every item of the node was purged. */
    public static Element purgeEvent(String node) {
        return event(Element.builder("purge", EVENT).attr("node", node).build());
    }

    /** A notification message (§7.1.2: type headline unless the node says otherwise). */
    public static Element message(String from, String to, String type, Element event) {
        Element.Builder b = Element.builder("message", Namespaces.CLIENT).attr("from", from).attr("to", to);
        if (type != null && !"normal".equals(type)) b.attr("type", type);
        return b.child(event).build();
    }

    /** An {@code <item id='…'>} of the pubsub namespace holding the payload (null: none) and its publisher. */
    public static Element item(String namespace, String id, String publisher, Element payload) {
        Element.Builder b = Element.builder("item", namespace).attr("id", id);
        if (publisher != null) b.attr("publisher", publisher);
        if (payload != null) b.child(payload);
        return b.build();
    }

    private static Element event(Element child) {
        return Element.builder("event", EVENT).child(child).build();
    }

    private static Element inEvent(Element item) {
        return new Element("item", EVENT, item.attributes(), item.children());
    }
}
