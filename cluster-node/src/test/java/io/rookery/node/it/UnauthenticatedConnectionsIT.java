package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * rookery.c2s.max-unauthenticated-per-address over real sockets: one address gets its connections that have not
 * completed SASL and no more, a second loopback source (127.0.0.2) is served meanwhile, and a connection that
 * authenticates or closes gives its slot back.
 */
class UnauthenticatedConnectionsIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int CAP = 3;
    private static final String REFUSED = "xmpp_c2s_connections_refused_total{listener=\"starttls\","
            + "reason=\"unauthenticated-per-address\"}";
    private static RookeryNode node;

    @BeforeAll
    static void start() throws Exception {
        // Plain TCP with PLAIN allowed, so that a bare socket can authenticate.
        node = ItEnvironment.startNode(Map.of("rookery.c2s.max-unauthenticated-per-address", CAP,
                "rookery.c2s.require-tls", false, "rookery.c2s.allow-plain-without-tls", true));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static RawClient negotiating(String from) throws Exception {
        RawClient c = new RawClient(from, node.starttlsPort());
        c.send(RawClient.HEADER).await("</stream:features>", WAIT);
        return c;
    }

    private static String auth(String user) {
        return "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + Base64.getEncoder()
                .encodeToString(("\0" + user + "\0" + ItEnvironment.PASSWORD).getBytes(StandardCharsets.UTF_8))
                + "</auth>";
    }

    @Test
    void oneAddressGetsItsNegotiatingConnectionsAndNoMoreWhileAnotherIsServed() throws Exception {
        String user = ItEnvironment.newUser(node, "capped");
        List<RawClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < CAP; i++) open.add(negotiating("127.0.0.1"));
            double refusedBefore = NodeScrape.sample(node, REFUSED);

            try (RawClient extra = new RawClient("127.0.0.1", node.starttlsPort())) {
                // The refusal comes at once, without waiting for the client's header (RFC 6120 §4.9.1.1).
                String got = extra.awaitClose(WAIT);
                assertTrue(got.startsWith("<?xml version='1.0'?><stream:stream"), got);
                assertTrue(got.contains("<policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"), got);
                assertTrue(got.contains("too many unauthenticated connections from this address"), got);
                assertTrue(got.endsWith("</stream:stream>"), got);
            }
            assertEquals(refusedBefore + 1, NodeScrape.sample(node, REFUSED));
            open.add(negotiating("127.0.0.2"));

            // An authenticated connection no longer counts: its slot is free for a new one at once.
            RawClient first = open.get(0);
            first.send(auth(user)).await("<success", WAIT);
            open.add(negotiating("127.0.0.1"));
            first.send(RawClient.HEADER).await("<bind", WAIT);

            // A closed one gives its slot back too (once the node has seen the close).
            open.remove(1).close();
            RawClient next = awaitServed("127.0.0.1");
            open.add(next);
        } finally {
            for (RawClient c : open) c.close();
        }
    }

    @Test
    void theDirectTlsPortClosesARefusedConnectionWithoutAHandshake() throws Exception {
        List<RawClient> open = new ArrayList<>();
        try {
            // Both listeners count together: three negotiating on the STARTTLS port fill the address's slots.
            for (int i = 0; i < CAP; i++) open.add(negotiating("127.0.0.3"));
            try (RawClient tls = new RawClient("127.0.0.3", node.directTlsPort())) {
                assertEquals("", tls.awaitClose(WAIT), "nothing is written, not even a TLS alert");
            }
            // Another address is served: a TLS handshake, then stream features.
            try (Socket plain = new Socket()) {
                plain.bind(new InetSocketAddress("127.0.0.4", 0));
                plain.connect(new InetSocketAddress("127.0.0.1", node.directTlsPort()), 5000);
                SSLSocket tls = (SSLSocket) ItEnvironment.trustingContext(node).getSocketFactory()
                        .createSocket(plain, "localhost", node.directTlsPort(), true);
                tls.setSoTimeout((int) WAIT.toMillis());
                tls.startHandshake();
                tls.getOutputStream().write(RawClient.HEADER.getBytes(StandardCharsets.UTF_8));
                StringBuilder got = new StringBuilder();
                byte[] buf = new byte[4096];
                while (got.indexOf("</stream:features>") < 0) {
                    int n = tls.getInputStream().read(buf);
                    assertTrue(n > 0, "closed before the features: " + got);
                    got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
                tls.close();
            }
        } finally {
            for (RawClient c : open) c.close();
        }
    }

    /** A new connection from this address once the node has freed a slot (a close takes a moment to be seen). */
    private static RawClient awaitServed(String from) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            RawClient c = new RawClient(from, node.starttlsPort());
            c.send(RawClient.HEADER);
            try {
                c.await("</stream:features>", Duration.ofSeconds(2));
                return c;
            } catch (AssertionError refused) {
                c.close();
                if (System.nanoTime() > deadline) throw refused;
                Thread.sleep(100);
            }
        }
    }
}
