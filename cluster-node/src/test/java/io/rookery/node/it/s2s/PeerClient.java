package io.rookery.node.it.s2s;

import java.net.InetAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * A Smack 4.4 client logged into one account on a {@link FederationPeer} (or any server known by domain, port and
 * trust) over STARTTLS, trusting the {@link TestCa}: it queues every message and presence it receives so a test can
 * wait for one. Presence subscriptions are accepted automatically ({@link Roster.SubscriptionMode#accept_all}).
 */
public final class PeerClient implements AutoCloseable {
    static {
        // COMPAT Smack 4.4: see ItEnvironment; its parser asserts on elements it has no provider for, which the
        // assertions the test JVM switches on turn into a dead reader thread.
        ClassLoader.getSystemClassLoader().setPackageAssertionStatus("org.jivesoftware.smack.parsing", false);
        PeerClient.class.getClassLoader().setPackageAssertionStatus("org.jivesoftware.smack.parsing", false);
    }

    private static final long REPLY_TIMEOUT_MS = 20_000;

    private final XMPPTCPConnection connection;
    private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<Presence> presences = new LinkedBlockingQueue<>();

    private PeerClient(XMPPTCPConnection connection) {
        this.connection = connection;
    }

    /** Logs {@code user} into the peer with STARTTLS required, trusting the peer's CA, and sends initial presence. */
    public static PeerClient login(FederationPeer peer, String user, String password) throws Exception {
        return login(peer.domain(), peer.c2sPort(), peer.ca().trustManager(), user, password);
    }

    public static PeerClient login(String domain, int port, X509TrustManager trust, String user, String password)
            throws Exception {
        XMPPTCPConnectionConfiguration config = XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(domain)
                .setHostAddress(InetAddress.getLoopbackAddress())
                .setPort(port)
                .setUsernameAndPassword(user, password)
                .setResource("fed")
                .setSecurityMode(ConnectionConfiguration.SecurityMode.required)
                .setCustomX509TrustManager(trust)
                .setConnectTimeout(15_000)
                .setSendPresence(true)
                .build();
        XMPPTCPConnection c = new XMPPTCPConnection(config);
        c.setReplyTimeout(REPLY_TIMEOUT_MS);
        PeerClient client = new PeerClient(c);
        Roster roster = Roster.getInstanceFor(c);
        roster.setSubscriptionMode(Roster.SubscriptionMode.accept_all);
        c.addSyncStanzaListener(s -> client.messages.add((Message) s), StanzaTypeFilter.MESSAGE);
        c.addSyncStanzaListener(s -> client.presences.add((Presence) s), StanzaTypeFilter.PRESENCE);
        c.connect();
        c.login();
        return client;
    }

    public XMPPTCPConnection connection() {
        return connection;
    }

    public EntityBareJid jid() {
        return connection.getUser().asEntityBareJid();
    }

    public Roster roster() {
        return Roster.getInstanceFor(connection);
    }

    /** Sends a chat message to a bare or full JID. */
    public void send(String to, String body) throws Exception {
        Message m = connection.getStanzaFactory().buildMessageStanza()
                .to(JidCreate.from(to))
                .ofType(Message.Type.chat)
                .setBody(body)
                .build();
        connection.sendStanza(m);
    }

    /** The first message received (since the last call) whose body is {@code body}, or null after the timeout. */
    public Message awaitMessage(String body, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            Message m = messages.poll(200, TimeUnit.MILLISECONDS);
            if (m != null && body.equals(m.getBody())) return m;
        }
        return null;
    }

    /** The next presence from that bare JID of the given type, or null after the timeout. */
    public Presence awaitPresence(String fromBare, Presence.Type type, long seconds) throws Exception {
        BareJid from = JidCreate.bareFrom(fromBare);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            Presence p = presences.poll(200, TimeUnit.MILLISECONDS);
            if (p != null && p.getFrom() != null && from.equals(p.getFrom().asBareJid()) && p.getType() == type) {
                return p;
            }
        }
        return null;
    }

    /** Adds {@code contact} to the roster and asks for its presence (RFC 6121 §3.1). */
    public void subscribe(String contact) throws Exception {
        roster().createItemAndRequestSubscription(JidCreate.bareFrom(contact), contact, null);
    }

    /** The roster item's subscription state for {@code contact} ("none", "to", "from", "both"), or null. */
    public String subscription(String contact) throws Exception {
        RosterEntry e = roster().getEntry(JidCreate.bareFrom(contact));
        return e == null ? null : e.getType().name();
    }

    /** Waits until the roster item for {@code contact} has one of the subscription states given. */
    public boolean awaitSubscription(String contact, long seconds, String... states) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String s = subscription(contact);
            for (String want : states) {
                if (want.equals(s)) return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    @Override
    public void close() {
        connection.disconnect();
    }
}
