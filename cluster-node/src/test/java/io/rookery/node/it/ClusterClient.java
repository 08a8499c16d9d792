package io.rookery.node.it;

import static io.rookery.node.it.ClusterItSupport.WAIT_SECONDS;
import static io.rookery.node.it.ClusterItSupport.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.PresenceTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.vcardtemp.VCardManager;
import org.jxmpp.jid.BareJid;

/** A logged-in Smack connection with what it received: messages with a body, and subscription requests. */
final class ClusterClient implements AutoCloseable {
    final String user;
    final XMPPTCPConnection conn;
    final Roster roster;
    final BlockingQueue<Presence> subscribes;
    final BlockingQueue<Message> inbox;
    /** Body to arrival time (nanoTime) of every message with a body. */
    final Map<String, Long> arrivals;

    ClusterClient(String user, XMPPTCPConnection conn, BlockingQueue<Presence> subscribes,
            BlockingQueue<Message> inbox, Map<String, Long> arrivals) {
        this.user = user;
        this.conn = conn;
        this.roster = Roster.getInstanceFor(conn);
        this.subscribes = subscribes;
        this.inbox = inbox;
        this.arrivals = arrivals;
    }

    BareJid jid() {
        return conn.getUser().asBareJid();
    }

    void send(BareJid to, String body) throws Exception {
        conn.sendStanza(conn.getStanzaFactory().buildMessageStanza().to(to).ofType(Message.Type.chat)
                .setBody(body).build());
    }

    @Override
    public void close() {
        if (conn.isConnected()) conn.disconnect();
    }

    /** Logs in with the listeners in place before the initial presence, and waits for the roster. */
    static ClusterClient login(NodeProcess node, String user, String resource) throws Exception {
        BlockingQueue<Presence> subscribes = new LinkedBlockingQueue<>();
        BlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
        Map<String, Long> arrivals = new ConcurrentHashMap<>();
        XMPPTCPConnection c = node.connect(user, resource, conn -> {
            Roster.getInstanceFor(conn).setSubscriptionMode(Roster.SubscriptionMode.manual);
            conn.addAsyncStanzaListener(s -> subscribes.add((Presence) s), PresenceTypeFilter.SUBSCRIBE);
            conn.addSyncStanzaListener(s -> {
                Message m = (Message) s;
                arrivals.putIfAbsent(m.getBody(), System.nanoTime());
                inbox.add(m);
            }, s -> s instanceof Message && ((Message) s).getBody() != null);
        });
        ClusterClient client = new ClusterClient(user, c, subscribes, inbox, arrivals);
        try {
            awaitTrue(user + "'s roster was not loaded", client.roster::isLoaded);
        } catch (AssertionError e) {
            client.close();
            throw e;
        }
        return client;
    }

    /** Logs in many users at once (a few at a time: SCRAM and TLS cost CPU on both sides). */
    static List<ClusterClient> loginAll(List<NodeProcess> where, List<String> users, String resource)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ClusterClient>> futures = new ArrayList<>();
            for (int i = 0; i < users.size(); i++) {
                NodeProcess n = where.get(i);
                String u = users.get(i);
                futures.add(pool.submit(() -> login(n, u, resource)));
            }
            List<ClusterClient> clients = new ArrayList<>();
            for (Future<ClusterClient> f : futures) clients.add(f.get(60, TimeUnit.SECONDS));
            return clients;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The user asks for the contact's presence; the contact (online) approves. */
    static void subscribe(ClusterClient user, ClusterClient contact) throws Exception {
        user.roster.createItemAndRequestSubscription(contact.jid(), contact.user, null);
        Presence request = ItEnvironment.awaitPresenceFrom(contact.subscribes, user.jid(), WAIT_SECONDS);
        assertNotNull(request, contact.jid() + " did not receive the subscription request of " + user.jid());
        contact.conn.sendStanza(contact.conn.getStanzaFactory().buildPresenceStanza()
                .ofType(Presence.Type.subscribed).to(user.jid()).build());
    }

    /**
     * Waits until the target's entity answered an iq (a vCard get, answered on the user's behalf): the entity handles
     * its commands in order and writes before it takes the next, so every message this client sent to the target
     * before is stored (or delivered) by then.
     */
    static void barrier(ClusterClient via, BareJid target) throws Exception {
        try {
            VCardManager.getInstanceFor(via.conn).loadVCard(target.asEntityBareJidOrThrow());
        } catch (XMPPException.XMPPErrorException e) {
            // An error answer is an answer too.
        } catch (SmackException.NoResponseException e) {
            fail("no answer from " + target + "'s entity within " + ItEnvironment.REPLY_TIMEOUT_MS + " ms");
        }
    }

    /** Bodies received (delayed or not) until {@code expected} of them arrived, or nothing new came for 3 s. */
    static Set<String> awaitBodies(ClusterClient c, int expected) throws InterruptedException {
        Set<String> got = new TreeSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            Message m = c.inbox.poll(got.size() >= expected ? 500 : 3000, TimeUnit.MILLISECONDS);
            if (m == null) break;
            got.add(m.getBody());
        }
        return got;
    }

    static String awaitBody(ClusterClient c, String body) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            Message m = c.inbox.poll(200, TimeUnit.MILLISECONDS);
            if (m != null && body.equals(m.getBody())) return body;
        }
        return null;
    }

    /** Milliseconds from {@code since} until the first probe sent at or after it reached {@code c}; -1: none yet. */
    static long firstArrivalAfter(ClusterClient c, List<Long> roundSent, long since) {
        long first = Long.MAX_VALUE;
        List<Long> rounds;
        synchronized (roundSent) {
            rounds = new ArrayList<>(roundSent);
        }
        for (Map.Entry<String, Long> e : c.arrivals.entrySet()) {
            String[] parts = e.getKey().split(" ");
            if (parts.length != 3 || !parts[0].equals("probe")) continue;
            int round = Integer.parseInt(parts[1]);
            if (round < rounds.size() && rounds.get(round) >= since) first = Math.min(first, e.getValue());
        }
        return first == Long.MAX_VALUE ? -1 : TimeUnit.NANOSECONDS.toMillis(first - since);
    }

    static String unreached(long[] reachedMs, List<ClusterClient> receivers) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < reachedMs.length; i++) if (reachedMs[i] < 0) names.add(receivers.get(i).user);
        return names.toString();
    }

    static RosterPacket.ItemType type(ClusterClient c, BareJid contact) {
        RosterEntry e = c.roster.getEntry(contact);
        return e == null ? null : e.getType();
    }
}
