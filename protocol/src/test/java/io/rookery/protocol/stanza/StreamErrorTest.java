package io.rookery.protocol.stanza;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.ParserDriver;
import io.rookery.protocol.xml.ParserEvent;
import io.rookery.protocol.xml.TestXml;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamErrorTest {
    /** RFC 6120 §4.9.3, in section order. */
    static final List<String> RFC_6120_CONDITIONS = List.of("bad-format", "bad-namespace-prefix", "conflict",
            "connection-timeout", "host-gone", "host-unknown", "improper-addressing", "internal-server-error",
            "invalid-from", "invalid-namespace", "invalid-xml", "not-authorized", "not-well-formed",
            "policy-violation", "remote-connection-failed", "reset", "resource-constraint", "restricted-xml",
            "see-other-host", "system-shutdown", "undefined-condition", "unsupported-encoding", "unsupported-feature",
            "unsupported-stanza-type", "unsupported-version");

    @Test
    void everyRfcConditionIsDefinedWithItsElementName() {
        assertEquals(RFC_6120_CONDITIONS,
                Arrays.stream(StreamErrorCondition.values()).map(StreamErrorCondition::elementName).toList());
        for (String name : RFC_6120_CONDITIONS) {
            assertEquals(name, StreamErrorCondition.fromElementName(name).elementName());
        }
        assertNull(StreamErrorCondition.fromElementName("escape-your-data"));
    }

    @Test
    void writesTheRfcNotWellFormedExample() {
        // RFC 6120 §4.9.3.13, whitespace removed
        assertEquals("<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
                StreamError.of(StreamErrorCondition.NOT_WELL_FORMED).toXml());
    }

    @Test
    void writesTheTextElementInTheStreamsErrorsNamespace() {
        assertEquals("<stream:error><policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                + "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>element larger than 1 &lt; 2</text>"
                + "</stream:error>",
                new StreamError(StreamErrorCondition.POLICY_VIOLATION, "element larger than 1 < 2").toXml());
    }

    @Test
    void theElementIsErrorInTheStreamNamespace() {
        Element e = new StreamError(StreamErrorCondition.HOST_UNKNOWN, "who?").toElement();
        assertEquals("error", e.name());
        assertEquals(Namespaces.STREAM, e.namespace());
        assertEquals("host-unknown", e.elements().get(0).name());
        assertEquals(Namespaces.STREAMS_ERRORS, e.elements().get(0).namespace());
        assertEquals("who?", e.childText("text", Namespaces.STREAMS_ERRORS));
    }

    @Test
    void readsTheRfcSyntaxExampleWithTextAndAnApplicationCondition() {
        // RFC 6120 §4.9.2
        Element e = TestXml.parse("<stream:error>\n"
                + "  <not-well-formed\n      xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>\n"
                + "  <text xmlns='urn:ietf:params:xml:ns:xmpp-streams'\n        xml:lang='en'>\n"
                + "    Some special application diagnostic information!\n  </text>\n"
                + "  <escape-your-data xmlns='http://example.org/ns'/>\n"
                + "</stream:error>");
        StreamError error = StreamError.fromElement(e);
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED, error.condition());
        assertEquals("Some special application diagnostic information!", error.text().strip());
    }

    @Test
    void everyConditionRoundTripsThroughTheParser() {
        for (StreamErrorCondition c : StreamErrorCondition.values()) {
            StreamError sent = new StreamError(c, "because " + c.elementName());
            List<Object> events = ParserDriver.whole(TestXml.HEADER + sent.toXml(), 4096);
            Element received = ((ParserEvent.ElementParsed) events.get(1)).element();
            assertEquals(sent.toElement(), received);
            assertEquals(sent, StreamError.fromElement(received));
        }
    }

    @Test
    void anUnknownConditionReadsAsUndefined() {
        StreamError e = StreamError.fromElement(TestXml.parse("<stream:error><x xmlns='urn:other'/></stream:error>"));
        assertEquals(StreamErrorCondition.UNDEFINED_CONDITION, e.condition());
        assertNull(StreamError.fromElement(Element.of("error", Namespaces.CLIENT)));
    }

    @Test
    void theExceptionCarriesItsConditionAndText() {
        XmppStreamException x = new XmppStreamException(StreamErrorCondition.RESTRICTED_XML, "comments");
        assertEquals(StreamErrorCondition.RESTRICTED_XML, x.condition());
        assertEquals("comments", x.text());
        assertEquals("restricted-xml: comments", x.getMessage());
        assertEquals(new StreamError(StreamErrorCondition.RESTRICTED_XML, "comments"), x.toStreamError());
    }
}
