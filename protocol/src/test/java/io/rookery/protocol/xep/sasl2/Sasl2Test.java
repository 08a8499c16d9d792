package io.rookery.protocol.xep.sasl2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rookery.protocol.sasl.SaslCondition;
import io.rookery.protocol.xml.StoredXml;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** XEP-0388 and XEP-0386 elements against the XEPs' examples. */
class Sasl2Test {
    @Test
    void theXepsAuthenticationRequestIsRead() {
        // XEP-0388 §2.3 "An authentication request", with XEP-0386 §3.2's bind and a user agent (§2.3 of 0.4.x).
        Sasl2.Authenticate a = Sasl2.Authenticate.read(StoredXml.parse(
                "<authenticate xmlns='urn:xmpp:sasl:2' mechanism='SCRAM-SHA-1-PLUS'>"
                        + "<initial-response>cD10bHMtZXhwb3J0ZXIsLG49dXNlcixyPTEyQzRDRDVDLUUzOEUtNEE5OC04RjZELTE1QzM4RjUxQ0NDNg=="
                        + "</initial-response>"
                        + "<user-agent id='d4565fa7-4d72-4749-b3d3-740edbf87770'><software>AwesomeXMPP</software>"
                        + "<device>Kiva's Phone</device></user-agent>"
                        + "<bind xmlns='urn:xmpp:bind:0'><tag>AwesomeXMPP</tag><enable xmlns='urn:xmpp:carbons:2'/>"
                        + "<enable xmlns='urn:xmpp:sm:3'/><inactive xmlns='urn:xmpp:csi:0'/></bind>"
                        + "<request-token xmlns='urn:xmpp:fast:0' mechanism='HT-SHA-256-NONE'/>"
                        + "</authenticate>"));
        assertNotNull(a);
        assertEquals("SCRAM-SHA-1-PLUS", a.mechanism());
        assertArrayEquals("p=tls-exporter,,n=user,r=12C4CD5C-E38E-4A98-8F6D-15C38F51CCC6"
                .getBytes(StandardCharsets.UTF_8), a.initialResponse());
        assertEquals("d4565fa7-4d72-4749-b3d3-740edbf87770", a.userAgentId());
        assertEquals("AwesomeXMPP", a.software());
        assertEquals("Kiva's Phone", a.device());
        assertEquals("AwesomeXMPP", a.bind().childText("tag", Sasl2.BIND_NS));
        assertNull(a.resume());
        assertEquals(1, a.others().size());
        assertEquals("request-token", a.others().get(0).name());
    }

    @Test
    void noInitialResponseIsNullAndABrokenOneOrNoMechanismIsNoRequest() {
        assertNull(Sasl2.Authenticate.read(StoredXml.parse(
                "<authenticate xmlns='urn:xmpp:sasl:2' mechanism='CRAM-MD5'/>")).initialResponse());
        assertEquals(0, Sasl2.Authenticate.read(StoredXml.parse(
                "<authenticate xmlns='urn:xmpp:sasl:2' mechanism='X'><initial-response/></authenticate>"))
                .initialResponse().length);
        assertNull(Sasl2.Authenticate.read(StoredXml.parse(
                "<authenticate xmlns='urn:xmpp:sasl:2' mechanism='X'><initial-response>a!b</initial-response>"
                        + "</authenticate>")));
        assertNull(Sasl2.Authenticate.read(StoredXml.parse("<authenticate xmlns='urn:xmpp:sasl:2'/>")));
        // XEP-0198's resume inline.
        assertEquals("some-id", Sasl2.Authenticate.read(StoredXml.parse(
                "<authenticate xmlns='urn:xmpp:sasl:2' mechanism='X'><resume xmlns='urn:xmpp:sm:3' previd='some-id'"
                        + " h='3'/></authenticate>")).resume().attr("previd"));
    }

    @Test
    void theServersElementsAreTheXepsExamples() {
        // XEP-0388 §2.6.1 "Successful authentication with SCRAM-SHA-1-PLUS".
        assertEquals("<success xmlns='urn:xmpp:sasl:2'><additional-data>dj1tc1ZIcy9CeklPSERxWGVWSDdFbW1EdTlpZDg9"
                + "</additional-data><authorization-identifier>user@example.org</authorization-identifier></success>",
                Sasl2.success("v=msVHs/BzIOHDqXeVH7EmmDu9id8=".getBytes(StandardCharsets.UTF_8), "user@example.org",
                        null));
        assertEquals("<failure xmlns='urn:xmpp:sasl:2'><aborted xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"
                + "<text>This is a terrible example.</text></failure>",
                Sasl2.failure(SaslCondition.ABORTED, "This is a terrible example."));
        // XEP-0386 §3.1: the feature inside SASL2's inline element.
        assertEquals("<authentication xmlns='urn:xmpp:sasl:2'><mechanism>SCRAM-SHA-1</mechanism>"
                + "<mechanism>SCRAM-SHA-1-PLUS</mechanism><inline><bind xmlns='urn:xmpp:bind:0'><inline>"
                + "<feature var='urn:xmpp:carbons:2'/><feature var='urn:xmpp:csi:0'/><feature var='urn:xmpp:sm:3'/>"
                + "</inline></bind><sm xmlns='urn:xmpp:sm:3'/></inline></authentication>",
                Sasl2.feature(List.of("SCRAM-SHA-1", "SCRAM-SHA-1-PLUS"),
                        Sasl2.bindFeature(List.of("urn:xmpp:carbons:2", "urn:xmpp:csi:0", "urn:xmpp:sm:3"))
                                + "<sm xmlns='urn:xmpp:sm:3'/>"));
        assertEquals("<bound xmlns='urn:xmpp:bind:0'/>", Sasl2.bound(""));
    }
}
