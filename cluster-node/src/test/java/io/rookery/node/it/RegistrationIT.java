package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.time.Duration;
import java.util.Map;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.iqregister.AccountManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.parts.Localpart;

/** XEP-0077 in-band registration: off by default, and when enabled Smack's AccountManager creates accounts. */
class RegistrationIT {
    private static RookeryNode open;
    private static RookeryNode closed;

    @BeforeAll
    static void start() throws Exception {
        open = ItEnvironment.startNode(Map.of("rookery.registration.enabled", true));
        closed = ItEnvironment.startNode(Map.of());
    }

    @AfterAll
    static void stop() {
        if (open != null) open.close();
        if (closed != null) closed.close();
    }

    private static XMPPTCPConnection connectOnly(RookeryNode node) throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain("localhost")
                .setHostAddress(java.net.InetAddress.getLoopbackAddress())
                .setPort(node.starttlsPort())
                .setSecurityMode(ConnectionConfiguration.SecurityMode.required)
                .setCustomX509TrustManager(ItEnvironment.trustManager(node))
                .build());
        c.connect();
        return c;
    }

    @Test
    void aNewUserRegistersInBandAndLogsIn() throws Exception {
        String name = ItEnvironment.freshUserName("ibr");
        XMPPTCPConnection c = connectOnly(open);
        try {
            AccountManager am = AccountManager.getInstance(c);
            assertTrue(am.supportsAccountCreation());
            am.createAccount(Localpart.from(name), "registered secret");
        } finally {
            c.disconnect();
        }
        XMPPTCPConnection user = ItEnvironment.connectStartTls(open, name, "registered secret", null);
        assertTrue(user.isAuthenticated());
        user.disconnect();
    }

    @Test
    void aTakenUserNameIsRefusedWithConflict() throws Exception {
        String name = ItEnvironment.newUser(open, "taken");
        XMPPTCPConnection c = connectOnly(open);
        try {
            XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> AccountManager.getInstance(c).createAccount(Localpart.from(name), "another"));
            assertEquals(StanzaError.Condition.conflict, e.getStanzaError().getCondition());
        } finally {
            c.disconnect();
        }
        // The original password still works.
        ItEnvironment.connectStartTls(open, name, ItEnvironment.PASSWORD, null).disconnect();
    }

    @Test
    void registrationIsNotOfferedByDefault() throws Exception {
        XMPPTCPConnection c = connectOnly(closed);
        try {
            // Without the stream feature Smack asks; the answer is service-unavailable (XEP-0077 §3) and the
            // stream stays open.
            XMPPException.XMPPErrorException e = assertThrows(XMPPException.XMPPErrorException.class,
                    () -> AccountManager.getInstance(c).supportsAccountCreation());
            assertEquals(StanzaError.Condition.service_unavailable, e.getStanzaError().getCondition());
            assertTrue(c.isConnected());
        } finally {
            c.disconnect();
        }
        try (RawClient raw = new RawClient(closed.starttlsPort())) {
            String features = raw.send(RawClient.HEADER).await("</stream:features>", Duration.ofSeconds(10));
            assertFalse(features.contains("iq-register"), features);
        }
    }
}
