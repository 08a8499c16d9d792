package io.rookery.node.it;

import static io.rookery.node.it.Sasl2Client.BIND2;
import static io.rookery.node.it.Sasl2Client.SASL2;
import static io.rookery.node.it.Sasl2Client.SM;
import static io.rookery.node.it.Sasl2Client.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.util.Map;
import java.util.UUID;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * XEP-0388 SASL2 and XEP-0386 Bind 2 on a node with real Cassandra, driven over a socket by a client written from the
 * XEPs ({@link Sasl2Client}); the other party of each conversation is Smack, a third-party client on RFC 6120 SASL.
 */
class Sasl2IT {
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        node = ItEnvironment.startNode(Map.of());
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @Test
    void theServerOffersSasl2WithBind2AndStreamManagementInline() throws Exception {
        try (RawClient raw = RawClient.directTls(node)) {
            String features = new Sasl2Client(raw).open("someone");
            String auth = Sasl2Client.between(features, "<authentication xmlns='" + SASL2 + "'>", "</authentication>");
            assertNotNull(auth, features);
            assertTrue(auth.contains("<mechanism>SCRAM-SHA-256</mechanism>"), auth);
            String bind = Sasl2Client.between(auth, "<bind xmlns='" + BIND2 + "'>", "</bind>");
            assertNotNull(bind, auth);
            assertTrue(bind.contains("<feature var='urn:xmpp:carbons:2'/>"), bind);
            assertTrue(bind.contains("<feature var='" + SM + "'/>"), bind);
            assertTrue(auth.contains("<sm xmlns='" + SM + "'/>"), auth);
            // RFC 6120 SASL stays for clients without SASL2.
            assertTrue(features.contains("<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"), features);
        }
    }

    @Test
    void aLoginWithoutBindSucceedsWithoutARestartAndTheClientBindsTheRfcWay() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        try (RawClient raw = RawClient.directTls(node)) {
            Sasl2Client c = new Sasl2Client(raw);
            c.open(alice);
            String outcome = c.scram(alice, ItEnvironment.PASSWORD, Sasl2Client.userAgent(UUID.randomUUID().toString()));
            assertTrue(outcome.contains("<success xmlns='" + SASL2 + "'>"), outcome);
            assertEquals(alice + "@localhost", c.authorizationIdentifier());
            assertTrue(c.serverProvedItself(), "the success carries SCRAM's server signature: " + outcome);
            // §2.6.1: the features of the authenticated stream follow at once, without a new stream header.
            String after = outcome.substring(outcome.indexOf("</success>"));
            assertFalse(after.contains("<stream:stream"), after);
            assertTrue(after.contains("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"), after);
            raw.send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>desk</resource>"
                    + "</bind></iq>").await("<jid>" + alice + "@localhost/desk</jid>", WAIT);
        }
    }

    @Test
    void aWrongPasswordAndAMalformedRequestGetSasl2Failures() throws Exception {
        String bob = ItEnvironment.newUser(node, "bob");
        try (RawClient raw = RawClient.directTls(node)) {
            Sasl2Client c = new Sasl2Client(raw);
            c.open(bob);
            String outcome = c.scram(bob, "not-" + ItEnvironment.PASSWORD, "");
            assertTrue(outcome.contains("<failure xmlns='" + SASL2 + "'><not-authorized "
                    + "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/></failure>"), outcome);
            // An initial response that is not base64 (§2.2).
            raw.send("<authenticate xmlns='" + SASL2 + "' mechanism='SCRAM-SHA-256'><initial-response>#!"
                    + "</initial-response></authenticate>").await("<malformed-request", WAIT);
            // A mechanism not offered.
            raw.send("<authenticate xmlns='" + SASL2 + "' mechanism='X-NOPE'/>").await("<invalid-mechanism", WAIT);
            // The stream is still good for a right password.
            outcome = c.scram(bob, ItEnvironment.PASSWORD, "");
            assertTrue(outcome.contains("<success xmlns='" + SASL2 + "'>"), outcome);
        }
    }

    @Test
    void bind2GivesAStableResourcePerUserAgentEnablesStreamManagementAndCarbonsAndReplacesTheOlderSession()
            throws Exception {
        String carol = ItEnvironment.newUser(node, "carol");
        String dave = ItEnvironment.newUser(node, "dave");
        String agent = UUID.randomUUID().toString();
        String bind = "<bind xmlns='" + BIND2 + "'><tag>Phone</tag><enable xmlns='urn:xmpp:carbons:2'/>"
                + "<enable xmlns='" + SM + "' resume='true'/></bind>";
        XMPPTCPConnection daveConn = ItEnvironment.connectStartTls(node, dave, ItEnvironment.PASSWORD, "desk");
        XMPPTCPConnection carolDesk = ItEnvironment.connectStartTls(node, carol, ItEnvironment.PASSWORD, "desk");
        try (RawClient raw = RawClient.directTls(node)) {
            Sasl2Client c = new Sasl2Client(raw);
            c.open(carol);
            String outcome = c.scram(carol, ItEnvironment.PASSWORD, Sasl2Client.userAgent(agent) + bind);
            String full = c.authorizationIdentifier();
            assertNotNull(full, outcome);
            assertTrue(full.startsWith(carol + "@localhost/Phone/"), full);
            assertFalse(full.contains(agent), "the user agent's id is not shown: " + full);
            String bound = Sasl2Client.between(outcome, "<bound xmlns='" + BIND2 + "'>", "</bound>");
            assertNotNull(bound, outcome);
            assertTrue(bound.contains("<enabled xmlns='" + SM + "'") && bound.contains("resume='true'"), bound);
            String after = outcome.substring(outcome.indexOf("</success>"));
            assertFalse(after.contains("urn:ietf:params:xml:ns:xmpp-bind"), "bound already: " + after);

            // Established at once: presence and a chat message work, and carbons are on for this resource.
            raw.send("<presence/>");
            daveConn.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from(carol + "@localhost/desk"))
                    .ofType(Message.Type.chat).setBody("to the desk").build());
            raw.await("to the desk", WAIT);
            assertTrue(raw.text().contains("<received xmlns='urn:xmpp:carbons:2'>"), raw.text());
            daveConn.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from(full))
                    .ofType(Message.Type.chat).setBody("to the phone").build());
            raw.await("to the phone", WAIT);

            // The same phone comes back on a new connection: the same resource, and the old stream is replaced.
            try (RawClient again = RawClient.directTls(node)) {
                Sasl2Client c2 = new Sasl2Client(again);
                c2.open(carol);
                c2.scram(carol, ItEnvironment.PASSWORD, Sasl2Client.userAgent(agent) + bind);
                assertEquals(full, c2.authorizationIdentifier());
                String end = raw.awaitClose(WAIT);
                assertTrue(end.contains("<conflict"), end);
            }
            // Another phone gets another resource.
            try (RawClient other = RawClient.directTls(node)) {
                Sasl2Client c3 = new Sasl2Client(other);
                c3.open(carol);
                c3.scram(carol, ItEnvironment.PASSWORD, Sasl2Client.userAgent(UUID.randomUUID().toString()) + bind);
                assertNotEquals(full, c3.authorizationIdentifier());
                assertTrue(c3.authorizationIdentifier().startsWith(carol + "@localhost/Phone/"));
            }
        } finally {
            daveConn.disconnect();
            carolDesk.disconnect();
        }
    }

    @Test
    void aDetachedSessionIsResumedInlineAndGetsWhatArrivedMeanwhile() throws Exception {
        String erin = ItEnvironment.newUser(node, "erin");
        String frank = ItEnvironment.newUser(node, "frank");
        String agent = UUID.randomUUID().toString();
        XMPPTCPConnection frankConn = ItEnvironment.connectStartTls(node, frank, ItEnvironment.PASSWORD, "desk");
        try {
            String id;
            String full;
            int handled;
            try (RawClient raw = RawClient.directTls(node)) {
                Sasl2Client c = new Sasl2Client(raw);
                c.open(erin);
                String outcome = c.scram(erin, ItEnvironment.PASSWORD, Sasl2Client.userAgent(agent)
                        + "<bind xmlns='" + BIND2 + "'><tag>Phone</tag><enable xmlns='" + SM + "' resume='true'/>"
                        + "</bind>");
                full = c.authorizationIdentifier();
                id = Sasl2Client.xmlAttr(outcome, "enabled", "id");
                assertNotNull(id, outcome);
                raw.send("<presence/>");
                frankConn.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from(full)).ofType(Message.Type.chat)
                        .setBody("before the tunnel").build());
                raw.await("before the tunnel", WAIT);
                // The client acknowledges every stanza it got since the success (its own presence, the message).
                String since = raw.text().substring(raw.text().indexOf("</success>"));
                handled = count(since, "<message ") + count(since, "<presence ") + count(since, "<presence>")
                        + count(since, "<iq ");
                raw.send("<a xmlns='" + SM + "' h='" + handled + "'/>");
                Thread.sleep(200);
            } // the socket drops without a closing tag: the session is detached
            Thread.sleep(500);
            frankConn.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from(full)).ofType(Message.Type.chat)
                    .setBody("in the tunnel").build());
            Thread.sleep(500);

            try (RawClient raw = RawClient.directTls(node)) {
                Sasl2Client c = new Sasl2Client(raw);
                c.open(erin);
                String outcome = c.scram(erin, ItEnvironment.PASSWORD, Sasl2Client.userAgent(agent)
                        + "<resume xmlns='" + SM + "' previd='" + id + "' h='" + handled + "'/>"
                        + "<bind xmlns='" + BIND2 + "'><tag>Phone</tag></bind>");
                assertTrue(outcome.contains("<resumed xmlns='" + SM + "'"), outcome);
                assertEquals(full, c.authorizationIdentifier());
                assertFalse(outcome.contains("<bound"), "a resumed stream binds nothing: " + outcome);
                raw.await("in the tunnel", WAIT);
                assertFalse(raw.text().contains("before the tunnel"), "acknowledged, so not sent again: " + raw.text());
            }

            // An id nobody holds: XEP-0198's failure in the success, and the bind goes ahead.
            try (RawClient raw = RawClient.directTls(node)) {
                Sasl2Client c = new Sasl2Client(raw);
                c.open(erin);
                String outcome = c.scram(erin, ItEnvironment.PASSWORD, Sasl2Client.userAgent(agent)
                        + "<resume xmlns='" + SM + "' previd='nobody-" + UUID.randomUUID() + "' h='0'/>"
                        + "<bind xmlns='" + BIND2 + "'><tag>Phone</tag></bind>");
                assertTrue(outcome.contains("<failed xmlns='" + SM + "'>"), outcome);
                assertTrue(outcome.contains("<bound xmlns='" + BIND2 + "'"), outcome);
                assertEquals(full, c.authorizationIdentifier());
            }
        } finally {
            frankConn.disconnect();
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) n++;
        return n;
    }
}
