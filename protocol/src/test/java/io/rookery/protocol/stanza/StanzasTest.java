package io.rookery.protocol.stanza;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.TestXml;
import io.rookery.protocol.xml.XmlWriter;
import org.junit.jupiter.api.Test;

class StanzasTest {
    private static String stanzaXml(Element e) {
        StringBuilder sb = new StringBuilder();
        XmlWriter.write(e, Namespaces.CLIENT, sb);
        return sb.toString();
    }

    @Test
    void errorReplySwapsAddressesKeepsIdAndPayloadAndAppendsTheError() {
        // RFC 6120 §8.3.1 / §8.3.3.19: an iq to a full JID whose resource does not handle the namespace
        Element request = TestXml.parse("<iq from='romeo@example.net/orchard' id='ixc3v1b9'"
                + " to='juliet@im.example.com/balcony' type='get'><query xmlns='jabber:iq:version'/></iq>");
        Element reply = Stanzas.errorReply(request, StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE));
        assertEquals("<iq from='juliet@im.example.com/balcony' id='ixc3v1b9' to='romeo@example.net/orchard'"
                + " type='error'><query xmlns='jabber:iq:version'/><error type='cancel'>"
                + "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>", stanzaXml(reply));
    }

    @Test
    void errorReplyToAStanzaWithoutAddressesHasNone() {
        Element message = TestXml.parse("<message id='m1' xml:lang='en'><body>hi</body></message>");
        Element reply = Stanzas.errorReply(message, StanzaError.of(StanzaErrorCondition.NOT_ACCEPTABLE));
        assertNull(reply.attr("to"));
        assertNull(reply.attr("from"));
        assertEquals("<message id='m1' xml:lang='en' type='error'><body>hi</body><error type='modify'>"
                + "<not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>", stanzaXml(reply));
    }

    @Test
    void errorReplyToAStanzaWithOnlyFromAddressesTheSender() {
        Element presence = TestXml.parse("<presence from='a@example.com/r' type='subscribe'/>");
        Element reply = Stanzas.errorReply(presence, StanzaError.of(StanzaErrorCondition.FORBIDDEN));
        assertEquals("a@example.com/r", reply.attr("to"));
        assertNull(reply.attr("from"));
        assertEquals("error", reply.attr("type"));
    }

    @Test
    void anErrorIsNeverAnsweredWithAnError() {
        Element error = TestXml.parse("<message type='error' id='x'/>");
        assertThrows(IllegalArgumentException.class,
                () -> Stanzas.errorReply(error, StanzaError.of(StanzaErrorCondition.BAD_REQUEST)));
    }

    @Test
    void iqResultAnswersWithTheSameIdAndSwappedAddresses() {
        // RFC 6120 §8.2.3 ping-style exchange
        Element get = TestXml.parse("<iq from='juliet@im.example.com/balcony' id='c2s1' to='im.example.com'"
                + " type='get'><ping xmlns='urn:xmpp:ping'/></iq>");
        assertEquals("<iq id='c2s1' from='im.example.com' to='juliet@im.example.com/balcony' type='result'/>",
                stanzaXml(Stanzas.iqResult(get, null)));
        Element bound = Element.builder("bind", Namespaces.BIND)
                .child(Element.builder("jid", Namespaces.BIND).text("juliet@im.example.com/balcony").build()).build();
        Element set = TestXml.parse("<iq id='b1' type='set'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>");
        assertEquals("<iq id='b1' type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<jid>juliet@im.example.com/balcony</jid></bind></iq>", stanzaXml(Stanzas.iqResult(set, bound)));
    }

    @Test
    void onlyMessagePresenceAndIqInJabberClientAreStanzas() {
        assertTrue(Stanzas.isStanza(Element.of("message", Namespaces.CLIENT)));
        assertTrue(Stanzas.isStanza(Element.of("presence", Namespaces.CLIENT)));
        assertTrue(Stanzas.isStanza(Element.of("iq", Namespaces.CLIENT)));
        assertFalse(Stanzas.isStanza(Element.of("message", "jabber:server")));
        assertFalse(Stanzas.isStanza(Element.of("auth", Namespaces.SASL)));
        assertFalse(Stanzas.isStanza(Element.of("starttls", Namespaces.TLS)));
    }
}
