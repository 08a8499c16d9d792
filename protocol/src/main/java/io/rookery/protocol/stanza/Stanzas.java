package io.rookery.protocol.stanza;

import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Helpers for the three stanza kinds of RFC 6120 §8. */
public final class Stanzas {
    private Stanzas() {
    }

    /** A message, presence or iq in {@code jabber:client}. */
    public static boolean isStanza(Element e) {
        if (!e.namespace().equals(Namespaces.CLIENT)) {
            return false;
        }
        String n = e.name();
        return n.equals("message") || n.equals("presence") || n.equals("iq");
    }

    /**
     * The error reply to a stanza (RFC 6120 §8.3.1): same kind, namespace, id and other attributes, 'to' and
     * 'from' swapped (absent ones stay absent), type 'error', the original children kept and the error appended.
     *
     * @throws IllegalArgumentException when the stanza is itself an error: §8.3.1 forbids answering an error with
     *     an error, since two entities could bounce errors at each other forever. Check the type before calling.
     */
    public static Element errorReply(Element stanza, StanzaError error) {
        if ("error".equals(stanza.attr("type"))) {
            throw new IllegalArgumentException("an error stanza must not be answered with an error");
        }
        Element err = error.toElement();
        List<Node> children = new ArrayList<>(stanza.children().size() + 1);
        children.addAll(stanza.children());
        // The error element inherits the stanza's namespace (jabber:client, or jabber:server between servers).
        children.add(new Element(err.name(), stanza.namespace(), err.attributes(), err.children()));
        Map<String, String> attrs = swappedAddresses(stanza);
        attrs.put("type", "error");
        return new Element(stanza.name(), stanza.namespace(), attrs, children);
    }

    /**
     * The result for an iq get or set (RFC 6120 §8.2.3): same id, 'to' and 'from' swapped, type 'result', with the
     * payload as its only child when given.
     */
    public static Element iqResult(Element iq, Element payloadOrNull) {
        Element.Builder b = Element.builder("iq", iq.namespace())
                .attr("id", iq.attr("id"))
                .attr("from", iq.attr("to"))
                .attr("to", iq.attr("from"))
                .attr("type", "result");
        if (payloadOrNull != null) {
            b.child(payloadOrNull);
        }
        return b.build();
    }

    /** The attributes with the 'to' and 'from' values swapped, each kept where it was written. */
    private static Map<String, String> swappedAddresses(Element stanza) {
        String to = stanza.attr("to");
        String from = stanza.attr("from");
        Map<String, String> out = new LinkedHashMap<>(stanza.attributes().size() + 2);
        for (Map.Entry<String, String> a : stanza.attributes().entrySet()) {
            switch (a.getKey()) {
                case "to" -> putIfNotNull(out, "to", from);
                case "from" -> putIfNotNull(out, "from", to);
                default -> out.put(a.getKey(), a.getValue());
            }
        }
        putIfNotNull(out, "to", from);
        putIfNotNull(out, "from", to);
        return out;
    }

    private static void putIfNotNull(Map<String, String> out, String key, String value) {
        if (value != null) {
            out.putIfAbsent(key, value);
        }
    }
}
