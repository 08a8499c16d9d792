package io.rookery.protocol.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.ParserEvent;
import io.rookery.protocol.xml.StoredXml;
import io.rookery.protocol.xml.StreamHeader;
import io.rookery.protocol.xml.XmlWriter;
import io.rookery.protocol.xml.XmppStreamParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 7395 framing against the stream parser and writer the TCP path uses. */
class WebSocketFramingTest {

    private static List<ParserEvent> parse(String... stream) throws Exception {
        XmppStreamParser parser = new XmppStreamParser(64 * 1024);
        List<ParserEvent> events = new ArrayList<>();
        for (String part : stream) {
            byte[] b = part.getBytes(StandardCharsets.UTF_8);
            parser.feed(b, 0, b.length);
            for (ParserEvent e = parser.next(); e != null; e = parser.next()) events.add(e);
        }
        return events;
    }

    @Test
    void anOpenBecomesAStreamHeaderAndACloseTheClosingTag() throws Exception {
        // RFC 7395 §3.4's example, and a message stanza with its own namespace declaration (§3.3.3).
        String open = "<open xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\" to=\"example.com\" version=\"1.0\" "
                + "xml:lang=\"de\"/>";
        String message = "<message xmlns=\"jabber:client\" to=\"juliet@example.com\"><body>hi</body></message>";
        List<ParserEvent> events = parse(WebSocketFraming.toStream(open), WebSocketFraming.toStream(message),
                WebSocketFraming.toStream("  <close xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\"/>"));
        assertEquals(3, events.size(), events::toString);
        StreamHeader h = assertInstanceOf(ParserEvent.StreamOpened.class, events.get(0)).header();
        assertEquals("example.com", h.to());
        assertEquals("1.0", h.version());
        assertEquals("de", h.lang());
        Element m = assertInstanceOf(ParserEvent.ElementParsed.class, events.get(1)).element();
        assertEquals(Namespaces.CLIENT, m.namespace());
        assertEquals("hi", m.childText("body", Namespaces.CLIENT));
        assertInstanceOf(ParserEvent.StreamClosed.class, events.get(2));
    }

    @Test
    void anOpenInAnotherNamespaceOrNotWellFormedGoesToTheParserAsItCame() {
        String wrong = "<open xmlns='urn:example' to='example.com' version='1.0'/>";
        assertEquals(wrong, WebSocketFraming.toStream(wrong));
        String broken = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com'";
        assertEquals(broken, WebSocketFraming.toStream(broken));
        // Names that only begin like the framing elements are stanzas' business.
        assertEquals("<opener/>", WebSocketFraming.toStream("<opener/>"));
        assertEquals("<closed/>", WebSocketFraming.toStream("<closed/>"));
    }

    @Test
    void theServersOutputIsOneMessagePerElementEachWithItsNamespaces() {
        WebSocketFraming.Outbound out = new WebSocketFraming.Outbound();
        String header = new StreamHeader("juliet@example.com", "example.com", "s1", "1.0", "en", Namespaces.CLIENT)
                .toOpeningXml();
        List<String> first = out.messages(header + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:"
                + "xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism></mechanisms></stream:features>");
        assertEquals(2, first.size(), first::toString);
        Element open = StoredXml.parse(first.get(0));
        assertEquals(WebSocketFraming.NS, open.namespace());
        assertEquals("open", open.name());
        assertEquals("example.com", open.attr("from"));
        assertEquals("s1", open.attr("id"));
        assertEquals("1.0", open.attr("version"));
        assertEquals("en", open.attr("xml:lang"));
        assertTrue(first.get(1).startsWith("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"),
                first.get(1));

        Element stanza = Element.builder("message", Namespaces.CLIENT).attr("to", "juliet@example.com/balcony")
                .attr("from", "romeo@example.net/orchard")
                .child(Element.builder("body", Namespaces.CLIENT).text("<3 & more >").build())
                .child(Element.of("active", "http://jabber.org/protocol/chatstates")).build();
        StringBuilder written = new StringBuilder();
        XmlWriter.write(stanza, Namespaces.CLIENT, written);
        List<String> two = out.messages(" " + written + "<a xmlns='urn:xmpp:sm:3' h='1'/>  ");
        assertEquals(2, two.size(), two::toString);
        // Each stands alone: the stanza parses to the element written, in jabber:client.
        assertEquals(stanza, StoredXml.parse(two.get(0)));
        assertTrue(two.get(0).startsWith("<message xmlns='jabber:client' "), two.get(0));
        assertEquals("<a xmlns='urn:xmpp:sm:3' h='1'/>", two.get(1));

        // A whitespace keepalive is no message (RFC 7395 §3.5: WebSocket has its own pings).
        assertEquals(List.of(), out.messages(" "));

        // A restarted stream's header, a stream error, the closing tag.
        List<String> end = out.messages(header + "<stream:error><policy-violation xmlns='urn:ietf:params:xml:ns:"
                + "xmpp-streams'/></stream:error></stream:stream>");
        assertEquals(3, end.size(), end::toString);
        assertEquals("open", StoredXml.parse(end.get(0)).name());
        assertTrue(end.get(1).startsWith("<stream:error xmlns:stream='http://etherx.jabber.org/streams'>"));
        assertEquals("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>", end.get(2));
        assertFalse(out.pending());
    }

    @Test
    void anElementSplitAcrossWritesGoesOutWhole() {
        WebSocketFraming.Outbound out = new WebSocketFraming.Outbound();
        assertEquals(List.of(), out.messages("<iq type='result' id='1'><query xmlns='jabber:iq:roster'>"));
        assertTrue(out.pending());
        assertEquals(List.of("<iq xmlns='jabber:client' type='result' id='1'><query xmlns='jabber:iq:roster'>"
                + "<item jid='a@b'/></query></iq>"), out.messages("<item jid='a@b'/></query></iq>"));
        assertFalse(out.pending());
    }
}
