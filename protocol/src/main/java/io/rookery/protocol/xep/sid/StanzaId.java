package io.rookery.protocol.xep.sid;

import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Node;
import java.util.ArrayList;
import java.util.List;

/** XEP-0359: {@code <stanza-id xmlns='urn:xmpp:sid:0' by id/>} and {@code <origin-id id/>}. */
public final class StanzaId {
    public static final String NS = "urn:xmpp:sid:0";

    private StanzaId() {}

    /**
     * The message with this archive's stanza-id, and without any other that claims to be by the same entity: §3
     * says a server must remove those, since only it may vouch for ids by its own addresses.
     */
    public static Element stamp(Element message, String by, String id) {
        List<Node> children = new ArrayList<>(message.children().size() + 1);
        for (Node n : message.children()) {
            if (n instanceof Element e && e.is("stanza-id", NS) && by.equals(e.attr("by"))) continue;
            children.add(n);
        }
        children.add(Element.builder("stanza-id", NS).attr("by", by).attr("id", id).build());
        return message.withChildren(children);
    }

    /** The message without stanza-ids by {@code by} (a copy that was not archived must not look archived). */
    public static Element strip(Element message, String by) {
        boolean found = false;
        for (Element e : message.children("stanza-id", NS)) found |= by.equals(e.attr("by"));
        if (!found) return message;
        List<Node> children = new ArrayList<>(message.children().size());
        for (Node n : message.children()) {
            if (n instanceof Element e && e.is("stanza-id", NS) && by.equals(e.attr("by"))) continue;
            children.add(n);
        }
        return message.withChildren(children);
    }

    /** The stanza-id by {@code by}, or null. */
    public static String of(Element message, String by) {
        for (Element e : message.children("stanza-id", NS)) {
            if (by.equals(e.attr("by"))) return e.attr("id");
        }
        return null;
    }
}
