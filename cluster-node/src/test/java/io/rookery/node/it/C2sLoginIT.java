package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.sasl.SASLErrorException;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/** Smack, a real third-party client, logs in and chats through a node on real Cassandra. */
class C2sLoginIT {
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
    void logsInWithScramSha256OverStartTls() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        XMPPTCPConnection c = ItEnvironment.connectStartTls(node, alice, ItEnvironment.PASSWORD, "phone");
        try {
            assertTrue(c.isAuthenticated());
            assertTrue(c.isSecureConnection(), "STARTTLS must have been negotiated");
            assertEquals(alice + "@localhost/phone", c.getUser().toString());
        } finally {
            c.disconnect();
        }
    }

    @Test
    void logsInWithScramSha256OverDirectTls() throws Exception {
        String bob = ItEnvironment.newUser(node, "bob");
        XMPPTCPConnection c = ItEnvironment.connectDirectTls(node, bob, ItEnvironment.PASSWORD, null);
        try {
            assertTrue(c.isAuthenticated());
            // No resource requested: the server generated one (RFC 6120 §7.6.2.1).
            assertTrue(c.getUser().getResourceOrEmpty().toString().startsWith("rookery-"), c.getUser().toString());
        } finally {
            c.disconnect();
        }
    }

    @Test
    void refusesAWrongPassword() throws Exception {
        String carol = ItEnvironment.newUser(node, "carol");
        SASLErrorException e = assertThrows(SASLErrorException.class,
                () -> ItEnvironment.connectStartTls(node, carol, "wrong password", null));
        assertEquals("not-authorized", e.getSASLFailure().getSASLErrorString());
    }

    @Test
    void refusesAnUnknownUserLikeAWrongPassword() {
        SASLErrorException e = assertThrows(SASLErrorException.class,
                () -> ItEnvironment.connectStartTls(node, "nobody-" + System.nanoTime(), "whatever", null));
        assertEquals("not-authorized", e.getSASLFailure().getSASLErrorString());
    }

    @Test
    void answersPingAndDiscoInfoOfTheServer() throws Exception {
        String dave = ItEnvironment.newUser(node, "dave");
        XMPPTCPConnection c = ItEnvironment.connectStartTls(node, dave, ItEnvironment.PASSWORD, null);
        try {
            assertTrue(PingManager.getInstanceFor(c).pingMyServer(true, 5000));
            DiscoverInfo info = ServiceDiscoveryManager.getInstanceFor(c).discoverInfo(JidCreate.domainBareFrom("localhost"));
            assertTrue(info.containsFeature("urn:xmpp:ping"));
            assertTrue(info.hasIdentity("server", "im"));
        } finally {
            c.disconnect();
        }
    }

    @Test
    void deliversMessagesToFullAndBareJids() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        XMPPTCPConnection a = ItEnvironment.connectStartTls(node, alice, ItEnvironment.PASSWORD, "desk");
        XMPPTCPConnection b = ItEnvironment.connectDirectTls(node, bob, ItEnvironment.PASSWORD, "laptop");
        try {
            BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
            b.addAsyncStanzaListener(s -> inbox.add((Message) s), s -> s instanceof Message);

            a.sendStanza(chat(a, b.getUser().toString(), "to your full JID"));
            Message first = inbox.poll(10, TimeUnit.SECONDS);
            assertNotNull(first, "message to the full JID was not delivered");
            assertEquals("to your full JID", first.getBody());
            // The server stamps 'from' with the sender's full JID (RFC 6120 §8.1.2.1).
            assertEquals(alice + "@localhost/desk", first.getFrom().toString());

            a.sendStanza(chat(a, bob + "@localhost", "to your bare JID"));
            Message second = inbox.poll(10, TimeUnit.SECONDS);
            assertNotNull(second, "message to the bare JID was not delivered");
            assertEquals("to your bare JID", second.getBody());
        } finally {
            a.disconnect();
            b.disconnect();
        }
    }

    @Test
    void stampsFromEvenWhenTheClientForgesIt() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        String bob = ItEnvironment.newUser(node, "bob");
        XMPPTCPConnection a = ItEnvironment.connectStartTls(node, alice, ItEnvironment.PASSWORD, "desk");
        XMPPTCPConnection b = ItEnvironment.connectStartTls(node, bob, ItEnvironment.PASSWORD, "desk");
        try {
            BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
            b.addAsyncStanzaListener(s -> inbox.add((Message) s), s -> s instanceof Message);
            Message forged = chat(a, b.getUser().toString(), "forged");
            forged.setFrom(JidCreate.from("admin@localhost/console"));
            a.sendStanza(forged);
            Message got = inbox.poll(10, TimeUnit.SECONDS);
            assertNotNull(got);
            assertEquals(alice + "@localhost/desk", got.getFrom().toString());
        } finally {
            a.disconnect();
            b.disconnect();
        }
    }

    @Test
    void bouncesAMessageToAnAccountThatDoesNotExist() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        XMPPTCPConnection a = ItEnvironment.connectStartTls(node, alice, ItEnvironment.PASSWORD, "desk");
        try {
            BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
            a.addAsyncStanzaListener(s -> inbox.add((Message) s), s -> s instanceof Message);
            a.sendStanza(chat(a, "nobody-" + System.nanoTime() + "@localhost", "anyone there?"));
            Message error = inbox.poll(10, TimeUnit.SECONDS);
            assertNotNull(error, "expected an error reply");
            assertEquals(Message.Type.error, error.getType());
            // RFC 6121 §8.5.1: no such user.
            assertEquals(StanzaError.Condition.service_unavailable, error.getError().getCondition());
        } finally {
            a.disconnect();
        }
    }

    @Test
    void aSecondLoginWithTheSameResourceReplacesTheFirst() throws Exception {
        String erin = ItEnvironment.newUser(node, "erin");
        XMPPTCPConnection first = ItEnvironment.connectStartTls(node, erin, ItEnvironment.PASSWORD, "same");
        XMPPTCPConnection second = ItEnvironment.connectStartTls(node, erin, ItEnvironment.PASSWORD, "same");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (first.isConnected() && System.nanoTime() < deadline) Thread.sleep(50);
            assertFalse(first.isConnected(), "the replaced session must be closed with a conflict stream error");
            assertTrue(PingManager.getInstanceFor(second).pingMyServer(true, 5000));
        } finally {
            first.disconnect();
            second.disconnect();
        }
    }

    @Test
    void sharesOwnPresenceAmongTheUsersResources() throws Exception {
        String frank = ItEnvironment.newUser(node, "frank");
        XMPPTCPConnection one = ItEnvironment.connectStartTls(node, frank, ItEnvironment.PASSWORD, "one");
        BlockingQueue<org.jivesoftware.smack.packet.Presence> seen = new LinkedBlockingQueue<>();
        one.addAsyncStanzaListener(s -> seen.add((org.jivesoftware.smack.packet.Presence) s),
                s -> s instanceof org.jivesoftware.smack.packet.Presence);
        XMPPTCPConnection two = ItEnvironment.connectStartTls(node, frank, ItEnvironment.PASSWORD, "two");
        try {
            org.jivesoftware.smack.packet.Presence p = awaitPresenceFrom(seen, frank + "@localhost/two", true);
            assertNotNull(p, "resource one must see resource two become available");
            two.disconnect();
            org.jivesoftware.smack.packet.Presence gone = awaitPresenceFrom(seen, frank + "@localhost/two", false);
            assertNotNull(gone, "resource one must see resource two become unavailable");
        } finally {
            one.disconnect();
            two.disconnect();
        }
    }

    private static org.jivesoftware.smack.packet.Presence awaitPresenceFrom(
            BlockingQueue<org.jivesoftware.smack.packet.Presence> q, String from, boolean available)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            org.jivesoftware.smack.packet.Presence p = q.poll(200, TimeUnit.MILLISECONDS);
            if (p != null && from.equals(String.valueOf(p.getFrom())) && p.isAvailable() == available) return p;
        }
        return null;
    }

    private static Message chat(XMPPTCPConnection from, String to, String body) throws Exception {
        return from.getStanzaFactory().buildMessageStanza().to(JidCreate.from(to)).ofType(Message.Type.chat)
                .setBody(body).build();
    }
}
