package io.rookery.protocol.xml;

import io.rookery.protocol.stanza.XmppStreamException;
import java.nio.charset.StandardCharsets;

/**
 * Reads back one element that the server wrote with {@link XmlWriter#toXml} (stored stanzas, vCards, private data),
 * through the same streaming parser and the same refusals as client input.
 */
public final class StoredXml {
    private static final byte[] HEADER = ("<stream:stream xmlns='jabber:client' "
            + "xmlns:stream='http://etherx.jabber.org/streams' version='1.0' to='stored'>")
            .getBytes(StandardCharsets.UTF_8);

    private StoredXml() {}

    public static String write(Element e) {
        return XmlWriter.toXml(e);
    }

    /**
     * Throws IllegalArgumentException when the text is not exactly one well-formed element. The limits are sized to
     * the text, and loose: it is the server's own, already accepted within a stream's limits (whose parser knew
     * names from earlier stanzas, and may have been configured above the defaults), so it must read back whatever
     * its shape. Many small elements cost the tree far more than their bytes (an OMEMO bundle of a hundred keys
     * about six times, {@code <x a='b'/>} thirteen).
     */
    public static Element parse(String xml) {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        long room = body.length + 1024L;
        XmppStreamParser parser = new XmppStreamParser(ParserLimits.forMaxStanzaBytes((int) Math.min(room,
                Integer.MAX_VALUE / 16)).withMaxRetainedBytes((int) Math.min(16 * room + 65536, Integer.MAX_VALUE))
                .withMaxAttributes(10_000).withMaxNamespaceDeclarations(10_000).withMaxNewNames(1 << 20));
        byte[] all = new byte[HEADER.length + body.length];
        System.arraycopy(HEADER, 0, all, 0, HEADER.length);
        System.arraycopy(body, 0, all, HEADER.length, body.length);
        parser.feed(all, 0, all.length);
        try {
            for (ParserEvent ev = parser.next(); ev != null; ev = parser.next()) {
                if (ev instanceof ParserEvent.ElementParsed p) return p.element();
            }
        } catch (XmppStreamException e) {
            throw new IllegalArgumentException("stored XML is not well-formed: " + e.condition(), e);
        }
        throw new IllegalArgumentException("stored XML holds no complete element");
    }
}
