package io.rookery.protocol.xep.sm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.TestXml;
import org.junit.jupiter.api.Test;

/** XEP-0198's elements, read from and written as the XEP's own examples. */
class StreamManagementTest {

    @Test
    void countersWrapFromTheLargestUnsignedIntBackToZero() {
        assertEquals(1, StreamManagement.increment(0));
        assertEquals(0, StreamManagement.increment(StreamManagement.MAX_COUNT));
        assertEquals(3, StreamManagement.between(StreamManagement.MAX_COUNT - 1, 1));
        assertEquals(0, StreamManagement.between(7, 7));
        assertEquals(5, StreamManagement.between(2, 7));
    }

    @Test
    void anAcksHandledCountIsAnUnsignedIntOrNothing() {
        assertEquals(1, StreamManagement.handled(TestXml.parse("<a xmlns='urn:xmpp:sm:3' h='1'/>")));
        assertEquals(4294967295L, StreamManagement.handled(TestXml.parse("<a xmlns='urn:xmpp:sm:3' h='4294967295'/>")));
        assertEquals(-1, StreamManagement.handled(TestXml.parse("<a xmlns='urn:xmpp:sm:3' h='4294967296'/>")));
        assertEquals(-1, StreamManagement.handled(TestXml.parse("<a xmlns='urn:xmpp:sm:3' h='-1'/>")));
        assertEquals(-1, StreamManagement.handled(TestXml.parse("<a xmlns='urn:xmpp:sm:3' h='1e3'/>")));
        assertEquals(-1, StreamManagement.handled(TestXml.parse("<a xmlns='urn:xmpp:sm:3'/>")));
        assertEquals(-1, StreamManagement.handled(TestXml.parse("<a xmlns='urn:xmpp:sm:3' h='99999999999999'/>")));
    }

    @Test
    void theServersElementsAreTheXepsExamples() {
        assertEquals(TestXml.parse("<a xmlns='urn:xmpp:sm:3' h='1'/>"), TestXml.parse(StreamManagement.ack(1)));
        assertEquals(TestXml.parse("<r xmlns='urn:xmpp:sm:3'/>"), TestXml.parse(StreamManagement.REQUEST));
        assertEquals(TestXml.parse("<sm xmlns='urn:xmpp:sm:3'/>"), TestXml.parse(StreamManagement.FEATURE));
        assertEquals(TestXml.parse("<enabled xmlns='urn:xmpp:sm:3' id='some-long-sm-id'/>"),
                TestXml.parse(StreamManagement.enabled("some-long-sm-id", false, 300)));
        assertEquals(TestXml.parse("<enabled xmlns='urn:xmpp:sm:3' id='some-long-sm-id' resume='true' max='300'/>"),
                TestXml.parse(StreamManagement.enabled("some-long-sm-id", true, 300)));
        // §3, example 5: where to resume.
        assertEquals(TestXml.parse("<enabled xmlns='urn:xmpp:sm:3' id='some-long-sm-id' resume='true' max='300'"
                + " location='[2001:41D0:1:A49b::1]:9222'/>"),
                TestXml.parse(StreamManagement.enabled("some-long-sm-id", true, 300, "[2001:41D0:1:A49b::1]:9222")));
        assertEquals(TestXml.parse("<enabled xmlns='urn:xmpp:sm:3' id='x'/>"),
                TestXml.parse(StreamManagement.enabled("x", false, 300, "ignored.example:5222")), "only with resume");
        assertEquals(TestXml.parse("<resumed xmlns='urn:xmpp:sm:3' h='another-sequence-number' previd='some-long-sm-id'/>")
                        .withAttr("h", "7"), TestXml.parse(StreamManagement.resumed("some-long-sm-id", 7)));
        assertEquals(TestXml.parse("<failed xmlns='urn:xmpp:sm:3'>"
                        + "<unexpected-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>"),
                TestXml.parse(StreamManagement.failed(StanzaErrorCondition.UNEXPECTED_REQUEST)));
    }

    @Test
    void theHandledCountTooHighErrorNamesBothCounts() {
        Element error = TestXml.parse(StreamManagement.handledCountTooHigh(10, 8)
                .replace("<stream:error>", "<error xmlns='http://etherx.jabber.org/streams'>")
                .replace("</stream:error>", "</error>"));
        assertTrue(error.child("undefined-condition", "urn:ietf:params:xml:ns:xmpp-streams") != null);
        Element detail = error.child("handled-count-too-high", StreamManagement.NS);
        assertEquals("10", detail.attr("h"));
        assertEquals("8", detail.attr("send-count"));
    }

    @Test
    void resumptionIsAskedForWithTrueOrOne() {
        assertTrue(StreamManagement.wantsResumption(TestXml.parse("<enable xmlns='urn:xmpp:sm:3' resume='true'/>")));
        assertTrue(StreamManagement.wantsResumption(TestXml.parse("<enable xmlns='urn:xmpp:sm:3' resume='1'/>")));
        assertFalse(StreamManagement.wantsResumption(TestXml.parse("<enable xmlns='urn:xmpp:sm:3'/>")));
        assertFalse(StreamManagement.wantsResumption(TestXml.parse("<enable xmlns='urn:xmpp:sm:3' resume='no'/>")));
    }
}
