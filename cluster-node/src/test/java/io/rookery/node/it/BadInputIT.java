package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.time.Duration;
import java.util.Map;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each kind of bad input gets the error RFC 6120 prescribes, the offending connection is closed, and a bystander
 * session on the same node keeps working.
 */
class BadInputIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static RookeryNode node;
    private static RookeryNode plainNode;
    private XMPPTCPConnection bystander;

    @BeforeAll
    static void start() throws Exception {
        node = ItEnvironment.startNode(Map.of("rookery.c2s.max-stanza-bytes", 4096));
        // A node configured like a plain-TCP benchmark target: TLS optional, PLAIN still refused without it.
        plainNode = ItEnvironment.startNode(Map.of("rookery.c2s.require-tls", false,
                "rookery.c2s.negotiation-timeout", "3s", "rookery.c2s.sweep-interval", "250ms",
                "rookery.c2s.auth-throttle.max-delay", "1s"));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
        if (plainNode != null) plainNode.close();
    }

    @BeforeEach
    void connectBystander() throws Exception {
        String user = ItEnvironment.newUser(node, "bystander");
        bystander = ItEnvironment.connectStartTls(node, user, ItEnvironment.PASSWORD, "watch");
    }

    @AfterEach
    void bystanderStillWorks() throws Exception {
        try {
            assertTrue(bystander.isConnected(), "the bystander session was dropped");
            assertTrue(PingManager.getInstanceFor(bystander).pingMyServer(true, 5000), "the bystander got no pong");
        } finally {
            bystander.disconnect();
        }
    }

    private static String streamError(String condition) {
        return "<" + condition + " xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>";
    }

    @Test
    void malformedXmlEndsTheStreamWithNotWellFormed() throws Exception {
        try (RawClient c = new RawClient(node.starttlsPort())) {
            c.send(RawClient.HEADER).await("</stream:features>", WAIT);
            c.send("<message><body>unclosed</message>");
            String got = c.awaitClose(WAIT);
            assertTrue(got.contains(streamError("not-well-formed")), got);
            assertTrue(got.endsWith("</stream:stream>"), got);
        }
    }

    @Test
    void garbageBeforeAnyHeaderStillGetsAHeaderAndAnError() throws Exception {
        try (RawClient c = new RawClient(node.starttlsPort())) {
            c.send("this is not xml at all <<<");
            String got = c.awaitClose(WAIT);
            assertTrue(got.contains("<stream:stream"), "RFC 6120 §4.9.1.1 wants a stream header first: " + got);
            assertTrue(got.contains(streamError("not-well-formed")), got);
        }
    }

    @Test
    void aDoctypeIsRefused() throws Exception {
        try (RawClient c = new RawClient(node.starttlsPort())) {
            c.send("<?xml version='1.0'?><!DOCTYPE stream [<!ENTITY x 'lol'>]>" + RawClient.HEADER.substring(21));
            String got = c.awaitClose(WAIT);
            assertTrue(got.contains(streamError("restricted-xml")) || got.contains(streamError("not-well-formed")),
                    got);
        }
    }

    @Test
    void anOversizedStanzaEndsTheStreamWithPolicyViolation() throws Exception {
        try (RawClient c = new RawClient(node.starttlsPort())) {
            c.send(RawClient.HEADER).await("</stream:features>", WAIT);
            c.send("<message to='x@localhost'><body>" + "a".repeat(10_000) + "</body></message>");
            String got = c.awaitClose(WAIT);
            assertTrue(got.contains(streamError("policy-violation")), got);
        }
    }

    @Test
    void beforeAuthenticationTheSmallerLimitApplies() throws Exception {
        // plainNode keeps the default limits: 256 KiB per element once authenticated, 16 KiB before.
        try (RawClient c = new RawClient(plainNode.starttlsPort())) {
            c.send(RawClient.HEADER).await("</stream:features>", WAIT);
            c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-256'>" + "A".repeat(20_000)
                    + "</auth>");
            String got = c.awaitClose(WAIT);
            assertTrue(got.contains(streamError("policy-violation")), got);
        }
        // Once authenticated, an element of that size is a stanza like any other.
        XMPPTCPConnection alice = ItEnvironment.connectStartTls(plainNode, ItEnvironment.newUser(plainNode, "alice"),
                ItEnvironment.PASSWORD, "desk");
        XMPPTCPConnection bob = ItEnvironment.connectStartTls(plainNode, ItEnvironment.newUser(plainNode, "bob"),
                ItEnvironment.PASSWORD, "phone");
        try {
            java.util.concurrent.BlockingQueue<org.jivesoftware.smack.packet.Stanza> inbox =
                    new java.util.concurrent.LinkedBlockingQueue<>();
            bob.addAsyncStanzaListener(inbox::add, org.jivesoftware.smack.filter.StanzaTypeFilter.MESSAGE);
            String body = "b".repeat(20_000);
            alice.sendStanza(alice.getStanzaFactory().buildMessageStanza().to(bob.getUser()).setBody(body).build());
            var got = (org.jivesoftware.smack.packet.Message) inbox.poll(WAIT.toSeconds(),
                    java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(got != null && body.equals(got.getBody()), "the 20 KB message arrived whole");
        } finally {
            alice.disconnect();
            bob.disconnect();
        }
    }

    @Test
    void anElementWithMoreAttributesThanTheLimitEndsTheStreamWithPolicyViolation() throws Exception {
        StringBuilder attrs = new StringBuilder();
        for (int i = 0; i < 100; i++) attrs.append(" a").append(i).append("='x'");
        try (RawClient c = new RawClient(plainNode.starttlsPort())) {
            c.send(RawClient.HEADER).await("</stream:features>", WAIT);
            // About 1 KB, far under the byte limits: the 65th attribute is what ends it.
            c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'" + attrs + "/>");
            String got = c.awaitClose(WAIT);
            assertTrue(got.contains(streamError("policy-violation")), got);
        }
    }

    @Test
    void aStanzaBeforeAuthenticationEndsTheStreamWithNotAuthorized() throws Exception {
        try (RawClient c = new RawClient(plainNode.starttlsPort())) {
            c.send(RawClient.HEADER).await("</stream:features>", WAIT);
            c.send("<message to='someone@localhost'><body>hi</body></message>");
            String got = c.awaitClose(WAIT);
            assertTrue(got.contains(streamError("not-authorized")), got);
        }
    }

    @Test
    void plainIsRefusedOnAnUnencryptedStream() throws Exception {
        try (RawClient c = new RawClient(plainNode.starttlsPort())) {
            String features = c.send(RawClient.HEADER).await("</stream:features>", WAIT);
            assertFalse(features.contains("<mechanism>PLAIN</mechanism>"), "PLAIN offered without TLS: " + features);
            assertTrue(features.contains("<mechanism>SCRAM-SHA-256</mechanism>"), features);
            String auth = java.util.Base64.getEncoder().encodeToString("\0someone\0secret".getBytes());
            c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + auth + "</auth>");
            String got = c.await("</failure>", WAIT);
            assertTrue(got.contains("<encryption-required/>"), got);
        }
    }

    @Test
    void onlyStartTlsIsOfferedWhileTlsIsRequired() throws Exception {
        try (RawClient c = new RawClient(node.starttlsPort())) {
            String features = c.send(RawClient.HEADER).await("</stream:features>", WAIT);
            assertTrue(features.contains("<required/>"), features);
            assertFalse(features.contains("<mechanisms"), "SASL offered before TLS: " + features);
            c.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth>");
            assertTrue(c.await("</failure>", WAIT).contains("<encryption-required/>"));
        }
    }

    @Test
    void aStreamToAnotherDomainGetsHostUnknown() throws Exception {
        try (RawClient c = new RawClient(node.starttlsPort())) {
            c.send(RawClient.HEADER.replace("to='localhost'", "to='example.org'"));
            String got = c.awaitClose(WAIT);
            assertTrue(got.contains(streamError("host-unknown")), got);
        }
    }

    @Test
    void aWrongStreamNamespaceGetsInvalidNamespace() throws Exception {
        try (RawClient c = new RawClient(node.starttlsPort())) {
            c.send(RawClient.HEADER.replace("http://etherx.jabber.org/streams", "urn:example:wrong"));
            String got = c.awaitClose(WAIT);
            assertTrue(got.contains(streamError("invalid-namespace")), got);
        }
    }

    @Test
    void anUnsupportedVersionIsRefused() throws Exception {
        try (RawClient c = new RawClient(node.starttlsPort())) {
            c.send(RawClient.HEADER.replace("to='localhost' version='1.0'", "to='localhost' version='2.0'"));
            String got = c.awaitClose(WAIT);
            assertTrue(got.contains(streamError("unsupported-version")), got);
        }
    }

    @Test
    void closingTheStreamIsAnsweredWithAClosingTag() throws Exception {
        try (RawClient c = new RawClient(node.starttlsPort())) {
            c.send(RawClient.HEADER).await("</stream:features>", WAIT);
            c.send("</stream:stream>");
            String got = c.awaitClose(WAIT);
            assertTrue(got.endsWith("</stream:stream>"), got);
            assertFalse(got.contains("<stream:error>"), got);
        }
    }

    @Test
    void aConnectionThatNeverAuthenticatesTimesOut() throws Exception {
        try (RawClient c = new RawClient(plainNode.starttlsPort())) {
            c.send(RawClient.HEADER).await("</stream:features>", WAIT);
            String got = c.awaitClose(WAIT);
            assertTrue(got.contains(streamError("connection-timeout")), got);
        }
    }
}
