package io.rookery.interop;

import io.rookery.node.RookeryNode;
import io.rookery.node.it.TestNodes;
import java.net.InetAddress;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.c2s.ModularXmppClientToServerConnection;
import org.jivesoftware.smack.c2s.ModularXmppClientToServerConnectionConfiguration;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;

/** Smack 4.5 connections of either kind to a node on loopback over STARTTLS, trusting its development certificate. */
final class Smack45Clients {
    /** Smack's default 5 s reply timeout is short for a 2-core machine also running Cassandra. */
    static final long REPLY_TIMEOUT_MS = 20_000;
    /** See {@link #connect}: attempts at the modular connection's STARTTLS before a test gives up. */
    static final int MODULAR_ATTEMPTS = 5;
    /** What the modular connection waits for each STARTTLS step before an attempt counts as lost (see connect). */
    static final long CONNECT_TIMEOUT_MS = 8_000;

    enum Kind { TCP, MODULAR }

    static {
        // COMPAT Smack 4.4 and 4.5: its parser of elements it has no provider for asserts that a namespace prefix is
        // never empty, which the StAX parser it runs on breaks for every default namespace; with the assertions the
        // test JVM switches on, its reader thread dies on the first such element (the server's XEP-0398
        // <x xmlns='vcard-temp:x:update'/> in a presence). Real clients run without assertions. As ItEnvironment
        // does for cluster-node's tests; set before any Smack parsing class is loaded.
        ClassLoader.getSystemClassLoader().setPackageAssertionStatus("org.jivesoftware.smack.parsing", false);
        Smack45Clients.class.getClassLoader().setPackageAssertionStatus("org.jivesoftware.smack.parsing", false);
    }

    private Smack45Clients() {}

    /** A connection not yet connected; user and password may be null (registration). */
    static AbstractXMPPConnection create(Kind kind, RookeryNode node, String user, String password) throws Exception {
        AbstractXMPPConnection c;
        if (kind == Kind.TCP) {
            XMPPTCPConnectionConfiguration.Builder b = XMPPTCPConnectionConfiguration.builder();
            configure(b, node, user, password);
            c = new XMPPTCPConnection(b.build());
        } else {
            ModularXmppClientToServerConnectionConfiguration.Builder b =
                    ModularXmppClientToServerConnectionConfiguration.builder();
            configure(b, node, user, password);
            c = new ModularXmppClientToServerConnection(b.build());
        }
        c.setReplyTimeout(REPLY_TIMEOUT_MS);
        return c;
    }

    private static void configure(ConnectionConfiguration.Builder<?, ?> b, RookeryNode node, String user,
            String password) throws Exception {
        b.setXmppDomain("localhost").setHostAddress(InetAddress.getLoopbackAddress()).setPort(node.starttlsPort())
                .setSecurityMode(ConnectionConfiguration.SecurityMode.required)
                .setCustomX509TrustManager(TestNodes.trustManager(node));
        if (user != null) b.setUsernameAndPassword(user, password);
    }

    /**
     * Connects a new connection of that kind (STARTTLS done, not logged in), and returns how many attempts it took.
     *
     * <p>COMPAT Smack 4.5 (beta5 to rc1), modular connection only: around the STARTTLS switch its reactor can lose
     * a write (a channel callback rejected while another holds the lock), so the client waits for an answer to
     * bytes it never sent: its new stream header after the handshake ("While waiting for stream features after TLS
     * established"; the server receives the client's Finished and nothing after it), or its first handshake flight
     * ("While waiting for TLS handshake to finish"). Against Prosody 0.12 the first happened 3 times in 25 logins,
     * as against Rookery. Such an attempt is retried with a new connection, at most {@value #MODULAR_ATTEMPTS} times
     * and each counted in the test's output; anything else fails at once.
     */
    static Connected connect(Kind kind, RookeryNode node, String user, String password) throws Exception {
        for (int attempt = 1; ; attempt++) {
            AbstractXMPPConnection c = create(kind, node, user, password);
            if (kind == Kind.MODULAR) c.setReplyTimeout(CONNECT_TIMEOUT_MS);
            try {
                c.connect();
                c.setReplyTimeout(REPLY_TIMEOUT_MS);
                return new Connected(c, attempt);
            } catch (SmackException.NoResponseException e) {
                close(c);
                String m = String.valueOf(e.getMessage());
                boolean knownClientRace = kind == Kind.MODULAR && (m.contains("stream features after TLS established")
                        || m.contains("TLS handshake to finish"));
                if (!knownClientRace || attempt >= MODULAR_ATTEMPTS) throw e;
                System.out.println("smack45-modular-retry attempt=" + attempt + " cause=" + m);
            }
        }
    }

    /** Connected and logged in with the credentials it was created with. */
    static AbstractXMPPConnection login(Kind kind, RookeryNode node, String user, String password) throws Exception {
        AbstractXMPPConnection c = connect(kind, node, user, password).connection();
        c.login();
        return c;
    }

    /**
     * Ends the stream. COMPAT Smack 4.5's modular connection: its disconnect waits a whole reply timeout for the
     * server's closing tag and then logs "Exception while waiting for closing stream element from the server",
     * against Prosody 0.12 as against Rookery; the test shuts it down at once instead.
     */
    static void close(AbstractXMPPConnection c) {
        if (c instanceof ModularXmppClientToServerConnection) c.instantShutdown();
        else c.disconnect();
    }

    record Connected(AbstractXMPPConnection connection, int attempts) {}
}
