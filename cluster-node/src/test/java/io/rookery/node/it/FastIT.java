package io.rookery.node.it;

import static io.rookery.node.it.Sasl2Client.BIND2;
import static io.rookery.node.it.Sasl2Client.SASL2;
import static io.rookery.node.it.Sasl2Client.SM;
import static io.rookery.node.it.Sasl2Client.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.time.Instant;
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
 * XEP-0484 FAST on a node with real Cassandra, over direct TLS, with the client written from the XEPs: a token asked
 * for at a SCRAM login, a login with it that skips SCRAM (and resumes a detached session inline), tokens refused
 * once invalidated by their client or revoked by the administrator, or when they are someone else's.
 */
class FastIT {
    private static final String FAST = "urn:xmpp:fast:0";
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        node = ItEnvironment.startNode(Map.of());
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    /** A SCRAM login over SASL2 that asks for a token; returns the token. */
    private static String firstLogin(String user, String agent) throws Exception {
        try (RawClient raw = RawClient.directTls(node)) {
            Sasl2Client c = new Sasl2Client(raw);
            String features = c.open(user);
            assertTrue(features.contains("<fast xmlns='" + FAST + "'>") && features.contains(
                    "<mechanism>HT-SHA-256-NONE</mechanism>"), features);
            String outcome = c.scram(user, ItEnvironment.PASSWORD, Sasl2Client.userAgent(agent)
                    + "<bind xmlns='" + BIND2 + "'><tag>Phone</tag></bind>"
                    + "<request-token xmlns='" + FAST + "' mechanism='HT-SHA-256-NONE'/>");
            assertTrue(outcome.contains("<success xmlns='" + SASL2 + "'>"), outcome);
            String token = Sasl2Client.xmlAttr(outcome, "token", "token");
            assertNotNull(token, outcome);
            Instant expiry = Instant.parse(Sasl2Client.xmlAttr(outcome, "token", "expiry"));
            assertTrue(expiry.isAfter(Instant.now().plusSeconds(86_400)), "good for days: " + expiry);
            return token;
        }
    }

    private static String fastLogin(String user, String agent, String token, String inline) throws Exception {
        try (RawClient raw = RawClient.directTls(node)) {
            Sasl2Client c = new Sasl2Client(raw);
            c.open(user);
            return c.fast(user, token, Sasl2Client.userAgent(agent) + inline);
        }
    }

    @Test
    void aTokenFromTheFirstLoginLogsInWithoutScramAndItsClientMayInvalidateIt() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String agent = UUID.randomUUID().toString();
        String token = firstLogin(alice, agent);
        try (RawClient raw = RawClient.directTls(node)) {
            Sasl2Client c = new Sasl2Client(raw);
            c.open(alice);
            String outcome = c.fast(alice, token, Sasl2Client.userAgent(agent)
                    + "<bind xmlns='" + BIND2 + "'><tag>Phone</tag></bind><fast xmlns='" + FAST + "'/>");
            // One round trip: no challenge, the success with the server's proof and the bound resource.
            assertFalse(outcome.contains("<challenge"), outcome);
            assertTrue(outcome.contains("<success xmlns='" + SASL2 + "'>"), outcome);
            assertTrue(c.serverProvedToken(), "HMAC(token, Responder) in the success: " + outcome);
            assertTrue(c.authorizationIdentifier().startsWith(alice + "@localhost/Phone/"), outcome);
            raw.send("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>").await("id='p1'", WAIT);
        }
        // The token is the client's: another user agent, another user or a changed token get nowhere.
        String other = fastLogin(alice, UUID.randomUUID().toString(), token, "<fast xmlns='" + FAST + "'/>");
        assertTrue(other.contains("<failure xmlns='" + SASL2 + "'><not-authorized"), other);
        String bob = ItEnvironment.newUser(node, "bob");
        String stolen = fastLogin(bob, agent, token, "<fast xmlns='" + FAST + "'/>");
        assertTrue(stolen.contains("<not-authorized"), stolen);
        String changed = fastLogin(alice, agent, token.substring(1) + "A", "<fast xmlns='" + FAST + "'/>");
        assertTrue(changed.contains("<not-authorized"), changed);

        // §3.6: the client logs out for good.
        String invalidated = fastLogin(alice, agent, token, "<fast xmlns='" + FAST + "' invalidate='true'/>");
        assertTrue(invalidated.contains("<success xmlns='" + SASL2 + "'>"), invalidated);
        assertFalse(invalidated.contains("<token "), "no successor unless asked for: " + invalidated);
        String after = fastLogin(alice, agent, token, "<fast xmlns='" + FAST + "'/>");
        assertTrue(after.contains("<failure xmlns='" + SASL2 + "'><not-authorized"), after);
    }

    @Test
    void aNewerTokenReplacesTheOlderOnceUsedAndTheAdministratorRevokesThemAll() throws Exception {
        String carol = ItEnvironment.newUser(node, "carol");
        String agent = UUID.randomUUID().toString();
        String first = firstLogin(carol, agent);
        // A second token asked for while logging in with the first.
        String outcome = fastLogin(carol, agent, first, "<fast xmlns='" + FAST + "'/><request-token xmlns='" + FAST
                + "' mechanism='HT-SHA-256-NONE'/>");
        String second = Sasl2Client.xmlAttr(outcome, "token", "token");
        assertNotNull(second, outcome);
        assertNotEquals(first, second);
        // Until the newer one is used, the older one still works (§3.5: the client may not have got the newer one).
        assertTrue(fastLogin(carol, agent, first, "<fast xmlns='" + FAST + "'/>").contains("<success"));
        assertTrue(fastLogin(carol, agent, second, "<fast xmlns='" + FAST + "'/>").contains("<success"));
        // Used: the older one is gone.
        assertTrue(fastLogin(carol, agent, first, "<fast xmlns='" + FAST + "'/>").contains("<not-authorized"));

        // The administrator revokes every token of the account (bin/rookery admin user revoke-tokens).
        assertEquals(io.rookery.node.user.UserEntity.AccountStatus.UPDATED, node.accounts()
                .revokeTokens(node.accounts().jid(carol)).toCompletableFuture().get());
        assertTrue(fastLogin(carol, agent, second, "<fast xmlns='" + FAST + "'/>").contains("<not-authorized"));
        // The password still works.
        try (RawClient raw = RawClient.directTls(node)) {
            Sasl2Client c = new Sasl2Client(raw);
            c.open(carol);
            assertTrue(c.scram(carol, ItEnvironment.PASSWORD, Sasl2Client.userAgent(agent)).contains("<success"));
        }
    }

    @Test
    void aPhoneResumesItsDetachedSessionWithAToken() throws Exception {
        String dave = ItEnvironment.newUser(node, "dave");
        String erin = ItEnvironment.newUser(node, "erin");
        String agent = UUID.randomUUID().toString();
        String token = firstLogin(dave, agent);
        XMPPTCPConnection erinConn = ItEnvironment.connectStartTls(node, erin, ItEnvironment.PASSWORD, "desk");
        try {
            String id;
            String full;
            try (RawClient raw = RawClient.directTls(node)) {
                Sasl2Client c = new Sasl2Client(raw);
                c.open(dave);
                String outcome = c.fast(dave, token, Sasl2Client.userAgent(agent) + "<fast xmlns='" + FAST + "'/>"
                        + "<bind xmlns='" + BIND2 + "'><tag>Phone</tag><enable xmlns='" + SM + "' resume='true'/>"
                        + "</bind>");
                full = c.authorizationIdentifier();
                id = Sasl2Client.xmlAttr(outcome, "enabled", "id");
                assertNotNull(id, outcome);
            } // dropped without a closing tag: detached
            Thread.sleep(500);
            erinConn.sendStanza(MessageBuilder.buildMessage().to(JidCreate.from(full)).ofType(Message.Type.chat)
                    .setBody("while you slept").build());
            Thread.sleep(300);
            try (RawClient raw = RawClient.directTls(node)) {
                Sasl2Client c = new Sasl2Client(raw);
                c.open(dave);
                String outcome = c.fast(dave, token, Sasl2Client.userAgent(agent) + "<fast xmlns='" + FAST + "'/>"
                        + "<resume xmlns='" + SM + "' previd='" + id + "' h='0'/>"
                        + "<bind xmlns='" + BIND2 + "'><tag>Phone</tag></bind>");
                assertFalse(outcome.contains("<challenge"), outcome);
                assertTrue(outcome.contains("<resumed xmlns='" + SM + "'"), outcome);
                assertEquals(full, c.authorizationIdentifier());
                raw.await("while you slept", WAIT);
            }
        } finally {
            erinConn.disconnect();
        }
    }

    @Test
    void noTokenIsOfferedOrTakenWithoutTls() throws Exception {
        RookeryNode plain = ItEnvironment.startNode(Map.of("rookery.c2s.require-tls", false));
        try (RawClient raw = new RawClient(plain.starttlsPort())) {
            String features = new Sasl2Client(raw).open("someone");
            assertTrue(features.contains("<authentication xmlns='" + SASL2 + "'>"), features);
            assertFalse(features.contains(FAST), features);
            raw.send("<authenticate xmlns='" + SASL2 + "' mechanism='HT-SHA-256-NONE'><initial-response>"
                    + "c29tZW9uZQA=</initial-response></authenticate>").await("<invalid-mechanism", WAIT);
        } finally {
            plain.close();
        }
    }
}
