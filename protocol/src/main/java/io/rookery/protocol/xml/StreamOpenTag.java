package io.rookery.protocol.xml;

import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.stanza.XmppStreamException;
import javax.xml.stream.XMLStreamReader;

/** The checks of RFC 6120 §4.7-4.8 on a peer's {@code <stream:stream>} open tag. */
final class StreamOpenTag {
    static final String CLIENT_NS = "jabber:client";
    /** XEP-0114's content namespace: its streams predate RFC 6120 versions and carry none (§3, example 1). */
    static final String COMPONENT_ACCEPT_NS = "jabber:component:accept";

    /** The header, and the prefix/URI pairs it declares (prefix "" for the default), to prime a fresh reader. */
    record Read(StreamHeader header, String[] namespaces) {
    }

    private StreamOpenTag() {
    }

    /** Reads the open tag at the reader's START_ELEMENT, or throws the stream error it deserves. */
    static Read read(XMLStreamReader reader, String contentNamespace) throws XmppStreamException {
        if (!StreamHeader.STREAM_NS.equals(reader.getNamespaceURI())) {
            throw new XmppStreamException(StreamErrorCondition.INVALID_NAMESPACE,
                    "stream element must be in " + StreamHeader.STREAM_NS);
        }
        if (!"stream".equals(reader.getLocalName())) {
            throw new XmppStreamException(StreamErrorCondition.BAD_FORMAT, "root element must be stream");
        }
        if (!"stream".equals(reader.getPrefix())) {
            // §4.8.5: the stream namespace is written with the prefix "stream".
            throw new XmppStreamException(StreamErrorCondition.BAD_NAMESPACE_PREFIX, "stream prefix must be stream");
        }
        int n = reader.getNamespaceCount();
        String[] namespaces = new String[n * 2];
        String defaultNamespace = null;
        for (int i = 0; i < n; i++) {
            String prefix = reader.getNamespacePrefix(i);
            String uri = reader.getNamespaceURI(i);
            namespaces[2 * i] = prefix == null ? "" : prefix;
            namespaces[2 * i + 1] = uri == null ? "" : uri;
            if (prefix == null || prefix.isEmpty()) {
                defaultNamespace = uri;
            }
        }
        if (!contentNamespace.equals(defaultNamespace)) {
            // §4.9.3.10: the content namespace is not the one this kind of stream carries.
            throw new XmppStreamException(StreamErrorCondition.INVALID_NAMESPACE,
                    "default namespace must be " + contentNamespace);
        }
        String to = null;
        String from = null;
        String id = null;
        String version = null;
        String lang = null;
        for (int i = 0, count = reader.getAttributeCount(); i < count; i++) {
            String prefix = reader.getAttributePrefix(i);
            String local = reader.getAttributeLocalName(i);
            String value = reader.getAttributeValue(i);
            if (prefix == null || prefix.isEmpty()) {
                switch (local) {
                    case "to" -> to = value;
                    case "from" -> from = value;
                    case "id" -> id = value;
                    case "version" -> version = value;
                    default -> { }
                }
            } else if (prefix.equals("xml") && local.equals("lang")) {
                lang = value;
            }
        }
        if (!StreamHeader.isVersionOne(version) && !COMPONENT_ACCEPT_NS.equals(contentNamespace)) {
            // §4.7.5 reads a missing version as 0.9 (pre-RFC "jabber" streams); we serve only 1.x, so both that
            // and any other major version get unsupported-version.
            throw new XmppStreamException(StreamErrorCondition.UNSUPPORTED_VERSION,
                    version == null ? "version attribute missing (0.9 is not supported)" : "version " + version);
        }
        return new Read(new StreamHeader(to, from, id, version, lang, defaultNamespace), namespaces);
    }
}
