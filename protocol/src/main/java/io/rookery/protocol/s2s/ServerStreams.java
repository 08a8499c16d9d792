package io.rookery.protocol.s2s;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Node;
import io.rookery.protocol.xml.StreamHeader;
import io.rookery.protocol.xml.XmlWriter;
import java.util.ArrayList;
import java.util.List;

/** What a server-to-server stream writes beside its stanzas (RFC 6120 §4.7, §4.8.3; XEP-0288). */
public final class ServerStreams {
    /** XEP-0288 §2: the stream feature and the request element of bidirectional streams. */
    public static final String BIDI_FEATURE_NS = "urn:xmpp:features:bidi";
    public static final String BIDI_NS = "urn:xmpp:bidi";

    private ServerStreams() {}

    /**
     * Our stream header: {@code jabber:server}, with the dialback prefix declared (XEP-0220 §2.1 wants it on both
     * servers' headers to say dialback is spoken). {@code id} only on a receiving server's answer.
     */
    public static String header(String from, String to, String id) {
        String open = new StreamHeader(to, from, id, "1.0", "en", Namespaces.SERVER).toOpeningXml();
        return open.substring(0, open.length() - 1) + " xmlns:db='" + Dialback.NS + "'>";
    }

    /**
     * A stanza of ours for a server stream: elements in {@code jabber:client} move to {@code jabber:server} (RFC
     * 6120 §4.8.3: the content namespace is the stream's, and a server translates), serialized under that default.
     */
    public static String toServerXml(Element stanza) {
        StringBuilder out = new StringBuilder(256);
        XmlWriter.write(translate(stanza, Namespaces.CLIENT, Namespaces.SERVER), Namespaces.SERVER, out);
        return out.toString();
    }

    /** A stanza a peer server sent, in the client namespace the rest of the node works with. */
    public static Element fromServer(Element stanza) {
        return translate(stanza, Namespaces.SERVER, Namespaces.CLIENT);
    }

    /** The element with every element of namespace {@code from} (at any depth) moved to {@code to}. */
    public static Element translate(Element e, String from, String to) {
        boolean changed = e.namespace().equals(from);
        List<Node> children = e.children();
        List<Node> translated = null;
        for (int i = 0; i < children.size(); i++) {
            if (children.get(i) instanceof Element c) {
                Element t = translate(c, from, to);
                if (t != c) {
                    if (translated == null) translated = new ArrayList<>(children);
                    translated.set(i, t);
                }
            }
        }
        if (!changed && translated == null) return e;
        return new Element(e.name(), changed ? to : e.namespace(), e.attributes(),
                translated == null ? children : translated);
    }
}
