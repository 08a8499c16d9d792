package io.rookery.protocol.stanza;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.TestXml;
import io.rookery.protocol.xml.XmlWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StanzaErrorTest {
    @Test
    void everyRfcConditionIsDefinedWithTheTypeOfItsExample() {
        // RFC 6120 §8.3.3.1-22, in section order, with the type each section's example uses
        Map<String, StanzaErrorType> expected = new LinkedHashMap<>();
        expected.put("bad-request", StanzaErrorType.MODIFY);
        expected.put("conflict", StanzaErrorType.CANCEL);
        expected.put("feature-not-implemented", StanzaErrorType.CANCEL);
        expected.put("forbidden", StanzaErrorType.AUTH);
        expected.put("gone", StanzaErrorType.CANCEL);
        expected.put("internal-server-error", StanzaErrorType.CANCEL);
        expected.put("item-not-found", StanzaErrorType.CANCEL);
        expected.put("jid-malformed", StanzaErrorType.MODIFY);
        expected.put("not-acceptable", StanzaErrorType.MODIFY);
        expected.put("not-allowed", StanzaErrorType.CANCEL);
        expected.put("not-authorized", StanzaErrorType.AUTH);
        expected.put("policy-violation", StanzaErrorType.MODIFY);
        expected.put("recipient-unavailable", StanzaErrorType.WAIT);
        expected.put("redirect", StanzaErrorType.MODIFY);
        expected.put("registration-required", StanzaErrorType.AUTH);
        expected.put("remote-server-not-found", StanzaErrorType.CANCEL);
        expected.put("remote-server-timeout", StanzaErrorType.WAIT);
        expected.put("resource-constraint", StanzaErrorType.WAIT);
        expected.put("service-unavailable", StanzaErrorType.CANCEL);
        expected.put("subscription-required", StanzaErrorType.AUTH);
        expected.put("undefined-condition", StanzaErrorType.MODIFY);
        expected.put("unexpected-request", StanzaErrorType.WAIT);
        Map<String, StanzaErrorType> actual = new LinkedHashMap<>();
        Arrays.stream(StanzaErrorCondition.values()).forEach(c -> actual.put(c.elementName(), c.defaultType()));
        assertEquals(expected, actual);
        assertEquals(StanzaErrorCondition.GONE, StanzaErrorCondition.fromElementName("gone"));
        assertNull(StanzaErrorCondition.fromElementName("out-of-order"));
    }

    @Test
    void writesTheRfcServiceUnavailableError() {
        // RFC 6120 §8.3.3.19 (inside its iq, so the error inherits jabber:client)
        StringBuilder sb = new StringBuilder();
        XmlWriter.write(StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE).toElement(), Namespaces.CLIENT, sb);
        assertEquals("<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>",
                sb.toString());
    }

    @Test
    void writesTextInTheStanzasNamespace() {
        StringBuilder sb = new StringBuilder();
        XmlWriter.write(new StanzaError(StanzaErrorType.MODIFY, StanzaErrorCondition.BAD_REQUEST, "no 'id'")
                .toElement(), Namespaces.CLIENT, sb);
        assertEquals("<error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                + "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>no 'id'</text></error>", sb.toString());
    }

    @Test
    void readsTheRfcSyntaxExample() {
        // RFC 6120 §8.3.2, the error child of a stanza, with an application-specific condition
        Element iq = TestXml.parse("<iq from='im.example.com' id='ixc3v1b9' to='juliet@im.example.com/balcony'"
                + " type='error'>\n  <error by='im.example.com' type='modify'>\n"
                + "    <bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\n"
                + "    <text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>Some text</text>\n"
                + "    <too-many-parameters xmlns='http://example.org/ns'/>\n  </error>\n</iq>");
        StanzaError e = StanzaError.fromElement(iq.child("error", Namespaces.CLIENT));
        assertEquals(new StanzaError(StanzaErrorType.MODIFY, StanzaErrorCondition.BAD_REQUEST, "Some text"), e);
    }

    @Test
    void everyConditionRoundTripsThroughTheParser() {
        for (StanzaErrorCondition c : StanzaErrorCondition.values()) {
            StanzaError sent = StanzaError.of(c, c.elementName() + " & more");
            Element message = Element.builder("message", Namespaces.CLIENT).attr("type", "error")
                    .child(sent.toElement()).build();
            Element received = TestXml.parse(XmlWriter.toXml(message));
            assertEquals(message, received);
            assertEquals(sent, StanzaError.fromElement(received.child("error", Namespaces.CLIENT)));
        }
    }

    @Test
    void missingPartsReadAsDefaults() {
        StanzaError e = StanzaError.fromElement(TestXml.parse("<error/>"));
        assertEquals(StanzaError.of(StanzaErrorCondition.UNDEFINED_CONDITION), e);
        StanzaError typeless = StanzaError.fromElement(
                TestXml.parse("<error><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"));
        assertEquals(StanzaErrorType.AUTH, typeless.type());
        assertNull(StanzaError.fromElement(Element.of("message", Namespaces.CLIENT)));
    }
}
