package io.rookery.protocol.xep.component;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.stanza.XmppStreamException;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.ParserEvent;
import io.rookery.protocol.xml.ParserLimits;
import io.rookery.protocol.xml.StoredXml;
import io.rookery.protocol.xml.XmppStreamParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** XEP-0114 §3's stream, read by the stream parser in the accept namespace, and stanzas both ways. */
class ComponentStreamsTest {

    private static XmppStreamParser feed(String xml) {
        XmppStreamParser p = new XmppStreamParser(ParserLimits.DEFAULTS, ComponentStreams.NS);
        byte[] b = xml.getBytes(StandardCharsets.UTF_8);
        p.feed(b, 0, b.length);
        return p;
    }

    @Test
    void theXepsComponentHeaderAndHandshakeParse() throws Exception {
        XmppStreamParser p = feed("<stream:stream xmlns='jabber:component:accept' "
                + "xmlns:stream='http://etherx.jabber.org/streams' to='plays.shakespeare.lit'>"
                + "<handshake>aaee83c26aeeafcbabeabfcbcd50df997e0a2a1e</handshake>");
        ParserEvent.StreamOpened opened = assertInstanceOf(ParserEvent.StreamOpened.class, p.next());
        assertEquals("plays.shakespeare.lit", opened.header().to());
        Element handshake = assertInstanceOf(ParserEvent.ElementParsed.class, p.next()).element();
        assertTrue(ComponentStreams.isHandshake(handshake));
        assertTrue(Handshake.matches("3BF96D32", "test", handshake.text()));
    }

    /** The component namespace is hard-coded in the parser's header check: both must stay the same string. */
    @Test
    void theParserLetsOnlyComponentStreamsOmitTheVersion() {
        XmppStreamParser p = new XmppStreamParser(ParserLimits.DEFAULTS, Namespaces.SERVER);
        byte[] b = ("<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' "
                + "to='example.org'>").getBytes(StandardCharsets.UTF_8);
        p.feed(b, 0, b.length);
        XmppStreamException e = assertThrows(XmppStreamException.class, p::next);
        assertEquals(StreamErrorCondition.UNSUPPORTED_VERSION, e.condition());
    }

    @Test
    void aClientStreamOnTheComponentPortIsInvalidNamespace() {
        XmppStreamParser p = feed("<stream:stream xmlns='jabber:client' "
                + "xmlns:stream='http://etherx.jabber.org/streams' to='plays.shakespeare.lit'>");
        XmppStreamException e = assertThrows(XmppStreamException.class, p::next);
        assertEquals(StreamErrorCondition.INVALID_NAMESPACE, e.condition());
    }

    @Test
    void theServersHeaderIsTheXepsExampleWithOurId() {
        Element parsed = StoredXml.parse(ComponentStreams.header("plays.shakespeare.lit", "3BF96D32")
                .replace("<?xml version='1.0'?>", "").replace(">", "/>"));
        assertEquals("plays.shakespeare.lit", parsed.attr("from"));
        assertEquals("3BF96D32", parsed.attr("id"));
        assertEquals(null, parsed.attr("version"));
        assertEquals(null, parsed.attr("to"));
    }

    @Test
    void stanzasMoveBetweenTheAcceptAndClientNamespacesWithTheirPayloadsUntouched() throws Exception {
        XmppStreamParser p = feed("<stream:stream xmlns='jabber:component:accept' "
                + "xmlns:stream='http://etherx.jabber.org/streams' to='echo.localhost'>"
                + "<message from='bot@echo.localhost' to='alice@localhost'><body>hi</body>"
                + "<x xmlns='jabber:x:oob'><url>u</url></x></message>");
        p.next();
        Element fromComponent = ((ParserEvent.ElementParsed) p.next()).element();
        Element client = ComponentStreams.fromComponent(fromComponent);
        assertEquals(Namespaces.CLIENT, client.namespace());
        assertEquals("hi", client.childText("body", Namespaces.CLIENT));
        assertEquals("u", client.child("x", "jabber:x:oob").childText("url", "jabber:x:oob"));

        assertEquals("<message from='bot@echo.localhost' to='alice@localhost'><body>hi</body>"
                + "<x xmlns='jabber:x:oob'><url>u</url></x></message>", ComponentStreams.toComponentXml(client));
    }
}
