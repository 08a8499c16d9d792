package io.rookery.node.it.s2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import io.rookery.node.it.TestNodes;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.MessageBuilder;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Two Rookery nodes, each serving its own domain in a cluster of its own, federate over loopback: each finds the
 * other through {@code rookery.s2s.hosts} (a.test reaches b.test over XEP-0368 direct TLS, b.test reaches a.test with
 * STARTTLS), their development certificates are self-signed (so neither authenticates the other by certificate), and
 * XEP-0220 dialback proves each domain, each receiving server asking the other's authoritative listener.
 */
class RookeryFederationIT {
    static RookeryNode a;
    static RookeryNode b;
    /** Accepts connections and never says a word: a remote server that hangs. */
    static java.net.ServerSocket silent;

    @BeforeAll
    static void start() throws Exception {
        int portA = RookeryPair.freePort();
        int portB = RookeryPair.freePort();
        int directB = RookeryPair.freePort();
        int closed = RookeryPair.freePort();
        silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Map<String, Object> dialbackOnly = Map.of("rookery.s2s.require-valid-certificates", false);
        java.util.HashMap<String, Object> forA = new java.util.HashMap<>(dialbackOnly);
        // a.test reaches b.test on its XEP-0368 direct TLS listener only; b.test reaches a.test with STARTTLS.
        forA.put("rookery.s2s.hosts.\"b.test\"", java.util.List.of("tls:127.0.0.1:" + directB));
        forA.put("rookery.s2s.hosts.\"silent.test\"", java.util.List.of("127.0.0.1:" + silent.getLocalPort()));
        forA.put("rookery.s2s.hosts.\"nowhere.test\"", java.util.List.of("127.0.0.1:" + closed));
        forA.put("rookery.s2s.blocked-domains", java.util.List.of("blocked.test"));
        forA.put("rookery.s2s.negotiation-timeout", "3s");
        a = RookeryPair.start("a.test", portA, forA);
        java.util.HashMap<String, Object> forB = new java.util.HashMap<>(dialbackOnly);
        forB.put("rookery.s2s.hosts.\"a.test\"", java.util.List.of("127.0.0.1:" + portA));
        forB.put("rookery.s2s.direct-tls.port", directB);
        b = RookeryPair.start("b.test", portB, forB);
    }

    private static Map<String, Object> merge(Map<String, Object> x, Map<String, Object> y) {
        java.util.HashMap<String, Object> m = new java.util.HashMap<>(x);
        m.putAll(y);
        return m;
    }

    @AfterAll
    static void stop() throws Exception {
        if (a != null) a.close();
        if (b != null) b.close();
        if (silent != null) silent.close();
    }

    /**
     * The errors a sender gets (RFC 6120 §8.3.3): a domain whose server refuses connections is not found, one whose
     * server never answers times out (negotiation-timeout, 3 s here), a blocked domain is not allowed.
     */
    @Test
    void aSenderLearnsWhyARemoteDomainCannotBeReached() throws Exception {
        String carol = TestNodes.newUser(a, "carol");
        XMPPTCPConnection c = RookeryPair.login(a, carol, RookeryPair.devTrust(a));
        try {
            assertEquals(org.jivesoftware.smack.packet.StanzaError.Condition.remote_server_not_found,
                    errorFor(c, "someone@nowhere.test"));
            assertEquals(org.jivesoftware.smack.packet.StanzaError.Condition.remote_server_timeout,
                    errorFor(c, "someone@silent.test"));
            assertEquals(org.jivesoftware.smack.packet.StanzaError.Condition.not_allowed,
                    errorFor(c, "someone@blocked.test"));
        } finally {
            c.disconnect();
        }
    }

    private static org.jivesoftware.smack.packet.StanzaError.Condition errorFor(XMPPTCPConnection c, String to)
            throws Exception {
        Message m = MessageBuilder.buildMessage("err-" + System.nanoTime()).to(JidCreate.from(to))
                .ofType(Message.Type.chat).setBody("anyone?").build();
        var collector = c.createStanzaCollectorAndSend(new org.jivesoftware.smack.filter.StanzaIdFilter(
                m.getStanzaId()), m);
        try {
            Stanza answer = collector.nextResult(20_000);
            assertNotNull(answer, "no answer for a message to " + to);
            assertNotNull(answer.getError(), "not an error: " + answer.toXML());
            assertEquals(to, answer.getFrom().toString());
            return answer.getError().getCondition();
        } finally {
            collector.cancel();
        }
    }

    @Test
    void messagesCrossBetweenTwoDomainsBothWays() throws Exception {
        String alice = TestNodes.newUser(a, "alice");
        String bob = TestNodes.newUser(b, "bob");
        XMPPTCPConnection ca = RookeryPair.login(a, alice, RookeryPair.devTrust(a));
        XMPPTCPConnection cb = RookeryPair.login(b, bob, RookeryPair.devTrust(b));
        try {
            BlockingQueue<Stanza> atBob = new ArrayBlockingQueue<>(10);
            BlockingQueue<Stanza> atAlice = new ArrayBlockingQueue<>(10);
            cb.addSyncStanzaListener(atBob::add, s -> s instanceof Message m && m.getBody() != null);
            ca.addSyncStanzaListener(atAlice::add, s -> s instanceof Message m && m.getBody() != null);
            ca.sendStanza(MessageBuilder.buildMessage().to(JidCreate.entityBareFrom(bob + "@b.test"))
                    .ofType(Message.Type.chat).setBody("hello from a").build());
            Message m1 = (Message) atBob.poll(30, TimeUnit.SECONDS);
            assertNotNull(m1, "bob got nothing from a.test");
            assertEquals("hello from a", m1.getBody());
            assertEquals(alice + "@a.test", m1.getFrom().asBareJid().toString());

            cb.sendStanza(MessageBuilder.buildMessage().to(m1.getFrom()).ofType(Message.Type.chat)
                    .setBody("hello back from b").build());
            Message m2 = (Message) atAlice.poll(30, TimeUnit.SECONDS);
            assertNotNull(m2, "alice got nothing from b.test");
            assertEquals("hello back from b", m2.getBody());
            assertEquals(bob + "@b.test", m2.getFrom().asBareJid().toString());

            // An iq to the remote server itself, answered there (XEP-0199), and its answer back.
            assertTrue(PingManager.getInstanceFor(ca).ping(JidCreate.domainBareFrom("b.test"), 20_000),
                    "b.test did not answer a ping from a.test");
            // A stanza to a user the remote server does not have comes back as that server's error.
            org.jivesoftware.smack.packet.IQ versionIq = new VersionGet();
            versionIq.setTo(JidCreate.entityFullFrom("nobody-here@b.test/x"));
            var collector = ca.createStanzaCollectorAndSend(versionIq);
            Stanza answer = collector.nextResult(20_000);
            collector.cancel();
            assertNotNull(answer, "no answer from b.test for a user it does not have");
            assertEquals("nobody-here@b.test/x", answer.getFrom().toString());
            assertNotNull(answer.getError(), "expected an error from b.test: " + answer.toXML());
        } finally {
            ca.disconnect();
            cb.disconnect();
        }
    }

    /** An XEP-0092 request, written the same way under Smack 4.4 and 4.5. */
    static final class VersionGet extends org.jivesoftware.smack.packet.IQ {
        VersionGet() {
            super("query", "jabber:iq:version");
            setType(Type.get);
        }

        @Override
        protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
            xml.setEmptyElement();
            return xml;
        }
    }
}
