package io.rookery.protocol.s2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.stanza.XmppStreamException;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.ParserEvent;
import io.rookery.protocol.xml.XmppStreamParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ServerStreamsTest {
    @Test
    void aClientStanzaIsWrittenInTheServerNamespaceWithItsPayloadsUntouched() throws Exception {
        Element msg = Element.builder("message", Namespaces.CLIENT).attr("from", "a@x/r").attr("to", "b@y")
                .child(Element.builder("body", Namespaces.CLIENT).text("hi").build())
                .child(Element.of("active", "http://jabber.org/protocol/chatstates")).build();
        String xml = ServerStreams.toServerXml(msg);
        assertEquals("<message from='a@x/r' to='b@y'><body>hi</body>"
                + "<active xmlns='http://jabber.org/protocol/chatstates'/></message>", xml);
        Element back = DialbackTest.parse(ServerStreams.header("x", "y", null) + xml).get(0);
        assertEquals(Namespaces.SERVER, back.namespace());
        Element client = ServerStreams.fromServer(back);
        assertEquals(msg, client);
    }

    @Test
    void translationLeavesOtherNamespacesAndReturnsTheSameElementWhenNothingChanges() {
        Element e = Element.builder("x", "urn:other").child(Element.of("y", "urn:other")).build();
        assertSame(e, ServerStreams.translate(e, Namespaces.CLIENT, Namespaces.SERVER));
    }

    @Test
    void ourHeaderDeclaresTheServerAndDialbackNamespaces() {
        String h = ServerStreams.header("example.org", "example.com", "abc");
        assertTrue(h.contains("xmlns='jabber:server'"), h);
        assertTrue(h.contains("xmlns:db='jabber:server:dialback'"), h);
        assertTrue(h.contains("id='abc'"), h);
        assertTrue(h.endsWith(">") && !h.endsWith("/>"), h);
    }

    @Test
    void aServerParserRefusesAClientStreamAndTheReverse() {
        XmppStreamParser server = new XmppStreamParser(io.rookery.protocol.xml.ParserLimits.forMaxStanzaBytes(4096),
                Namespaces.SERVER);
        byte[] client = ("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
                + " to='x' version='1.0'>").getBytes(StandardCharsets.UTF_8);
        server.feed(client, 0, client.length);
        XmppStreamException e = assertThrows(XmppStreamException.class, server::next);
        assertEquals(StreamErrorCondition.INVALID_NAMESPACE, e.condition());

        XmppStreamParser c2s = new XmppStreamParser(io.rookery.protocol.xml.ParserLimits.forMaxStanzaBytes(4096));
        byte[] s2s = ServerStreams.header("a", "b", null).getBytes(StandardCharsets.UTF_8);
        c2s.feed(s2s, 0, s2s.length);
        assertEquals(StreamErrorCondition.INVALID_NAMESPACE, assertThrows(XmppStreamException.class, c2s::next)
                .condition());
    }

    @Test
    void aServerParserReadsTheHeaderOfAServerStream() throws Exception {
        XmppStreamParser p = new XmppStreamParser(io.rookery.protocol.xml.ParserLimits.forMaxStanzaBytes(4096),
                Namespaces.SERVER);
        byte[] h = ServerStreams.header("a.test", "b.test", "id1").getBytes(StandardCharsets.UTF_8);
        p.feed(h, 0, h.length);
        ParserEvent.StreamOpened o = (ParserEvent.StreamOpened) p.next();
        assertEquals("a.test", o.header().from());
        assertEquals("b.test", o.header().to());
        assertEquals(Namespaces.SERVER, o.header().defaultNamespace());
    }
}
