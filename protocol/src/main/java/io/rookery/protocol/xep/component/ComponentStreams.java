package io.rookery.protocol.xep.component;

import io.rookery.protocol.s2s.ServerStreams;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StreamHeader;
import io.rookery.protocol.xml.XmlWriter;

/** What a component stream carries besides the handshake: the server's header and stanzas in the accept namespace. */
public final class ComponentStreams {
    /** XEP-0114 §3: the content namespace of a stream a component opens to a server. */
    public static final String NS = "jabber:component:accept";

    private ComponentStreams() {}

    /**
     * The server's answer header (XEP-0114 §3, example 2): 'from' the component's domain, a fresh 'id', no version
     * (the protocol predates stream features; ejabberd and Prosody leave it out too).
     */
    public static String header(String componentDomain, String id) {
        return new StreamHeader(null, componentDomain, id, null, null, NS).toOpeningXml();
    }

    /** A stanza of the node's, serialized for the component under the accept namespace. */
    public static String toComponentXml(Element stanza) {
        StringBuilder out = new StringBuilder(256);
        XmlWriter.write(ServerStreams.translate(stanza, Namespaces.CLIENT, NS), NS, out);
        return out.toString();
    }

    /** A stanza the component sent, in the client namespace the rest of the node works with. */
    public static Element fromComponent(Element stanza) {
        return ServerStreams.translate(stanza, NS, Namespaces.CLIENT);
    }

    /** Whether the element is the component's {@code <handshake>}. */
    public static boolean isHandshake(Element e) {
        return e.is(Handshake.ELEMENT, NS);
    }
}
