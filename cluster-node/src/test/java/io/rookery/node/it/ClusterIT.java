package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.filter.PresenceTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.AbstractRosterListener;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.RosterGroup;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.vcardtemp.VCardManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Three nodes in child JVMs, one cluster, the shared Cassandra, Smack clients on real sockets: users on different
 * nodes talk, a roster change reaches the user's resource on another node, a SIGKILLed node loses no stored data
 * and its users are reachable again through the survivors, and a rolling restart (SIGTERM, start again) delivers
 * every offline message sent before and during it.
 *
 * <p>Figures go to standard output on lines starting with {@value #MEASUREMENT} (failsafe keeps them in
 * {@code failsafe-reports/io.rookery.node.it.ClusterIT-output.txt}); they are measurements, not assertions. Each node
 * logs to {@code <test dir>/cluster-it/nodeN/node.log}; a failed test prints the end of every node's log.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    static final String MEASUREMENT = "cluster-measurement";
    private static final int NODES = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration MEMBERSHIP_TIMEOUT = Duration.ofSeconds(90);
    private static final long WAIT_SECONDS = 30;
    /**
     * A keyspace of its own: no other test's nodes clean up after (or are cleaned up by) these. Kept across runs on
     * the same Cassandra data, so only the first run pays for creating the tables (about 20 s here); user names are
     * fresh in every run.
     */
    private static final String KEYSPACE = "rookery_cluster_it";
    private static final List<NodeProcess> nodes = new ArrayList<>();

    @RegisterExtension
    static final TestWatcher NODE_LOGS_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            printNodeLogs(context.getDisplayName());
        }
    };

    @BeforeAll
    static void startCluster() throws Exception {
        long t0 = System.nanoTime();
        String cql = ItEnvironment.cqlContactPoint();
        long cassandraMs = ms(t0);
        // The schema once, here: then the nodes can all start at once (none of them applies it).
        ItEnvironment.applySchema(KEYSPACE);
        long schemaMs = ms(t0) - cassandraMs;
        List<Integer> ports = NodeProcess.freePorts(NODES);
        for (int i = 0; i < NODES; i++) {
            nodes.add(NodeProcess.clusterNode("node" + (i + 1),
                    ItEnvironment.testDir().resolve("cluster-it").resolve("node" + (i + 1)), ports.get(i), ports,
                    cql, KEYSPACE, Map.of()));
        }
        try {
            for (NodeProcess n : nodes) n.start();
            for (NodeProcess n : nodes) n.awaitStarted(START_TIMEOUT);
            awaitAllUp();
        } catch (Exception | Error e) {
            printNodeLogs("cluster start");
            throw e;
        }
        log("cluster of %d up in %d ms (cassandra %d ms, schema %d ms, nodes %d ms; keyspace %s): %s", NODES, ms(t0),
                cassandraMs, schemaMs, ms(t0) - cassandraMs - schemaMs, KEYSPACE, nodes);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        // In parallel: each may take a coordinated shutdown's time.
        List<Thread> stoppers = new ArrayList<>();
        for (NodeProcess n : nodes) {
            Thread t = new Thread(() -> n.stop(Duration.ofSeconds(20)), "stop-" + n.name());
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) t.join(30_000);
        for (NodeProcess n : nodes) n.kill();
    }

    // ---- a. users on different nodes ----------------------------------------------------------------------------

    @Test
    @Order(1)
    @Timeout(90)
    void usersOnDifferentNodesSubscribeToEachOtherSeeEachOthersPresenceAndChat() throws Exception {
        ensureClusterOfThree();
        String alice = node(3).newUser("alice");
        String bob = node(3).newUser("bob");
        try (Client a = login(node(1), alice, "n1"); Client b = login(node(2), bob, "n2")) {
            subscribe(a, b);
            subscribe(b, a);
            awaitTrue("alice and bob must both hold subscription='both' (RFC 6121 §3.1)",
                    () -> type(a, b.jid()) == RosterPacket.ItemType.both
                            && type(b, a.jid()) == RosterPacket.ItemType.both);
            awaitTrue("alice (node 1) must see bob (node 2) available",
                    () -> a.roster.getPresence(b.jid()).isAvailable());
            awaitTrue("bob (node 2) must see alice (node 1) available",
                    () -> b.roster.getPresence(a.jid()).isAvailable());

            a.send(b.jid(), "hello from node 1");
            assertEquals("hello from node 1", awaitBody(b, "hello from node 1"));
            b.send(a.jid(), "hello from node 2");
            assertEquals("hello from node 2", awaitBody(a, "hello from node 2"));

            b.close();
            awaitTrue("alice must see bob go unavailable when his session on another node ends",
                    () -> !a.roster.getPresence(b.jid()).isAvailable());
        }
    }

    // ---- b. one user, resources on two nodes ------------------------------------------------------------------

    @Test
    @Order(2)
    @Timeout(90)
    void aRosterChangeThroughOneNodeIsPushedToTheUsersResourceOnAnotherAndStored() throws Exception {
        ensureClusterOfThree();
        String alice = node(1).newUser("alice");
        String bob = node(2).newUser("bob");
        BareJid bobJid = bare(bob);
        try (Client one = login(node(1), alice, "one"); Client three = login(node(3), alice, "three")) {
            BlockingQueue<Jid> added = new LinkedBlockingQueue<>();
            three.roster.addRosterListener(new AbstractRosterListener() {
                @Override
                public void entriesAdded(Collection<Jid> addresses) {
                    added.addAll(addresses);
                }
            });

            one.roster.createItem(bobJid, "Bob", new String[] {"Cluster"});

            assertNotNull(ItEnvironment.awaitJid(added, bobJid, WAIT_SECONDS),
                    "the roster push made through node 1 did not reach alice's resource on node 3 (RFC 6121 §2.3.2)");
            assertEquals("Bob", three.roster.getEntry(bobJid).getName());
            three.roster.reloadAndWait();
            RosterEntry fresh = three.roster.getEntry(bobJid);
            assertNotNull(fresh, "a fresh roster get through node 3 must return the item added through node 1");
            assertEquals(List.of("Cluster"), groups(fresh));
        }
        try (Client two = login(node(2), alice, "two")) {
            RosterEntry stored = two.roster.getEntry(bobJid);
            assertNotNull(stored, "the item must be stored: a later login through node 2 gets it");
            assertEquals("Bob", stored.getName());
        }
    }

    // ---- d. rolling restart ------------------------------------------------------------------------------------

    @Test
    @Order(3)
    @Timeout(240)
    void aRollingRestartDeliversEveryOfflineMessageSentBeforeAndDuringIt() throws Exception {
        ensureClusterOfThree();
        int offlineUsers = 6;
        List<String> offline = new ArrayList<>();
        for (int i = 0; i < offlineUsers; i++) offline.add(nodes.get(i % NODES).newUser("away"));
        String sender = node(1).newUser("sender");
        Map<String, Set<String>> expected = new ConcurrentHashMap<>();
        for (String u : offline) expected.put(u, ConcurrentHashMap.newKeySet());

        try (Client s = login(node(1), sender, "before")) {
            for (String u : offline) {
                for (int j = 0; j < 2; j++) {
                    String body = "before-" + j + " to " + u;
                    s.send(bare(u), body);
                    expected.get(u).add(body);
                }
            }
            for (String u : offline) barrier(s, bare(u));
        }

        for (int k = 0; k < NODES; k++) {
            NodeProcess victim = nodes.get(k);
            NodeProcess via = nodes.get((k + 1) % NODES);
            NodeProcess other = nodes.get((k + 2) % NODES);
            try (Client s = login(via, sender, "step" + k)) {
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger sendFailures = new AtomicInteger();
                final int step = k;
                Thread background = new Thread(() -> {
                    // Bounded by count and by the stop flag.
                    for (int n = 0; n < 400 && !stop.get(); n++) {
                        String u = offline.get(n % offlineUsers);
                        String body = "step" + step + "-" + n + " to " + u;
                        try {
                            s.send(bare(u), body);
                            expected.get(u).add(body);
                        } catch (Exception e) {
                            sendFailures.incrementAndGet();
                        }
                        try {
                            Thread.sleep(150);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "rolling-sender-" + k);
                background.start();
                try {
                    Thread.sleep(500);
                    long t0 = System.nanoTime();
                    victim.terminate();
                    long leftMs = -1;
                    long exitMs = -1;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while ((leftMs < 0 || exitMs < 0) && System.nanoTime() < deadline) {
                        if (exitMs < 0 && !victim.isAlive()) exitMs = ms(t0);
                        if (leftMs < 0 && !listedBy(via, victim) && !listedBy(other, victim)) leftMs = ms(t0);
                        Thread.sleep(50);
                    }
                    int exitCode = victim.awaitExit(Duration.ofSeconds(1));
                    log("%s rolling-restart step=%d node=%s sigterm-to-left-ms=%d sigterm-to-exit-ms=%d exit-code=%d",
                            MEASUREMENT, k, victim.name(), leftMs, exitMs, exitCode);
                    assertTrue(exitMs >= 0, victim.name() + " did not exit within 60 s of SIGTERM");
                    // 143 (128 + SIGTERM) is how a JVM reports an exit caused by SIGTERM once its shutdown hooks
                    // (Pekko's coordinated shutdown among them) are done; only Runtime.halt(0) in a hook turns it
                    // into 0. Anything else (1 from a failed start, 137 from a forced kill) is a failure.
                    assertTrue(exitCode == 0 || exitCode == 143,
                            victim.name() + " must exit 0 (or 143) after SIGTERM, exited " + exitCode);
                    assertTrue(leftMs >= 0, "the other nodes still list " + victim.name() + " 60 s after SIGTERM");

                    long restart = System.nanoTime();
                    victim.start().awaitStarted(START_TIMEOUT);
                    awaitAllUp();
                    log("%s rolling-restart step=%d node=%s start-to-up-ms=%d", MEASUREMENT, k, victim.name(),
                            ms(restart));
                } finally {
                    stop.set(true);
                    background.join(10_000);
                }
                // Everything sent in this step was taken by each recipient's entity (answers come after its writes).
                for (String u : offline) barrier(s, bare(u));
                log("rolling-restart step=%d sent-so-far=%d send-failures=%d", k,
                        expected.values().stream().mapToInt(Set::size).sum(), sendFailures.get());
            }
        }

        for (int i = 0; i < offlineUsers; i++) {
            String u = offline.get(i);
            try (Client c = login(nodes.get(i % NODES), u, "back")) {
                Set<String> got = awaitBodies(c, expected.get(u).size());
                assertEquals(new TreeSet<>(expected.get(u)), new TreeSet<>(got),
                        u + " must receive exactly the offline messages sent before and during the rolling restart");
            }
        }
    }

    // ---- c. a crash -------------------------------------------------------------------------------------------

    @Test
    @Order(4)
    @Timeout(240)
    void aKilledNodeLosesNoStoredDataAndEveryUserIsReachableAgainThroughTheSurvivors() throws Exception {
        ensureClusterOfThree();
        NodeProcess victim = node(3);
        List<NodeProcess> survivors = List.of(node(1), node(2));

        // Stored data, written through the node that is going to crash.
        int keeperCount = 6;
        List<String> keepers = new ArrayList<>();
        for (int i = 0; i < keeperCount; i++) keepers.add(victim.newUser("keeper"));
        for (int i = 0; i < keeperCount; i++) {
            try (Client k = login(victim, keepers.get(i), "before")) {
                k.roster.createItem(bare(keepers.get((i + 1) % keeperCount)), "next-" + i, new String[] {"Ring"});
            }
        }
        // The keepers' sessions end asynchronously on the server; messages must find them offline.
        Thread.sleep(1000);
        Map<String, Set<String>> stored = new HashMap<>();
        try (Client w = login(victim, victim.newUser("writer"), "w")) {
            for (String u : keepers) {
                Set<String> bodies = new TreeSet<>();
                for (int j = 0; j < 3; j++) {
                    String body = "stored-" + j + " for " + u;
                    w.send(bare(u), body);
                    bodies.add(body);
                }
                stored.put(u, bodies);
            }
            for (String u : keepers) barrier(w, bare(u));
        }

        // Receivers and senders on the survivors; the receivers' entities are spread over all three nodes.
        int receiverCount = 24;
        List<String> receiverNames = new ArrayList<>();
        for (int i = 0; i < receiverCount; i++) receiverNames.add(survivors.get(i % 2).newUser("reach"));
        List<NodeProcess> receiverNodes = new ArrayList<>();
        for (int i = 0; i < receiverCount; i++) receiverNodes.add(survivors.get(i % 2));
        List<Client> receivers = loginAll(receiverNodes, receiverNames, "probe");
        List<Client> senders = loginAll(survivors,
                List.of(survivors.get(0).newUser("prober"), survivors.get(1).newUser("prober")), "probe");
        // A session that dies with the node, watched by a contact on a survivor.
        Client ghost = login(victim, victim.newUser("ghost"), "doomed");
        Client watcher = login(node(1), node(1).newUser("watcher"), "desk");
        subscribe(watcher, ghost);
        awaitTrue("the watcher on node 1 must see the ghost on node 3 available",
                () -> watcher.roster.getPresence(ghost.jid()).isAvailable());
        List<Long> roundSent = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sendFailures = new AtomicInteger();
        Thread prober = new Thread(() -> {
            for (int r = 0; r < 1000 && !stop.get(); r++) {
                long t = System.nanoTime();
                roundSent.add(t);
                for (int i = 0; i < receiverCount; i++) {
                    try {
                        senders.get(i % 2).send(receivers.get(i).jid(), "probe " + r + " " + i);
                    } catch (Exception e) {
                        sendFailures.incrementAndGet();
                    }
                }
                long sleep = TimeUnit.NANOSECONDS.toMillis(t + TimeUnit.MILLISECONDS.toNanos(200) - System.nanoTime());
                try {
                    if (sleep > 0) Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "prober");
        try {
            prober.start();
            awaitTrue("every receiver must get probes before the crash", () -> {
                for (Client c : receivers) if (c.arrivals.isEmpty()) return false;
                return true;
            });

            long kill = System.nanoTime();
            victim.kill();
            log("killed %s", victim);

            long[] reachedMs = new long[receiverCount];
            java.util.Arrays.fill(reachedMs, -1);
            long unreachableMs = -1;
            long removedMs = -1;
            long ghostGoneMs = -1;
            long deadline = kill + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                boolean all = true;
                for (int i = 0; i < receiverCount; i++) {
                    if (reachedMs[i] < 0) reachedMs[i] = firstArrivalAfter(receivers.get(i), roundSent, kill);
                    if (reachedMs[i] < 0) all = false;
                }
                try {
                    NodeProcess.Members view = survivors.get(0).members();
                    if (unreachableMs < 0 && view.unreachable().contains(victim.address())) unreachableMs = ms(kill);
                    if (removedMs < 0 && !view.lists(victim.address())) removedMs = ms(kill);
                } catch (Exception e) {
                    log("members of %s: %s", survivors.get(0).name(), e);
                }
                if (ghostGoneMs < 0 && !watcher.roster.getPresence(ghost.jid()).isAvailable()) ghostGoneMs = ms(kill);
                if (all && removedMs >= 0 && ghostGoneMs >= 0) break;
                Thread.sleep(100);
            }
            long allReached = System.nanoTime();
            List<Long> sorted = java.util.Arrays.stream(reachedMs).boxed().sorted().collect(Collectors.toList());
            long notReached = sorted.stream().filter(v -> v < 0).count();
            log("%s sigkill-to-reachable-ms=%d median-ms=%d users=%d not-reached=%d sigkill-to-unreachable-ms=%d "
                    + "sigkill-to-removed-ms=%d sigkill-to-contact-sees-unavailable-ms=%d killed=%s", MEASUREMENT,
                    sorted.get(sorted.size() - 1), sorted.get(sorted.size() / 2), receiverCount, notReached,
                    unreachableMs, removedMs, ghostGoneMs, victim.name());
            log("%s sigkill-to-reachable-ms per user (sorted): %s", MEASUREMENT, sorted);

            // A little more traffic after recovery, then time for stragglers (messages stored while a session was
            // not yet registered with its restarted entity arrive when it registers again).
            Thread.sleep(1000);
            stop.set(true);
            prober.join(10_000);
            Thread.sleep(5000);
            int[] lost = new int[3];
            int[] sent = new int[3];
            for (int r = 0; r < roundSent.size(); r++) {
                long t = roundSent.get(r);
                int phase = t < kill ? 0 : t <= allReached ? 1 : 2;
                for (int i = 0; i < receiverCount; i++) {
                    sent[phase]++;
                    if (!receivers.get(i).arrivals.containsKey("probe " + r + " " + i)) lost[phase]++;
                }
            }
            log("%s sigkill-messages before-kill sent=%d lost=%d; during-outage sent=%d lost=%d; after sent=%d "
                    + "lost=%d; send-failures=%d", MEASUREMENT, sent[0], lost[0], sent[1], lost[1], sent[2], lost[2],
                    sendFailures.get());

            assertEquals(0, notReached, "receivers not reachable 120 s after the crash: " + unreached(reachedMs,
                    receivers));
            assertTrue(removedMs >= 0, "the survivors still list " + victim.name() + " 120 s after SIGKILL");
            assertTrue(ghostGoneMs >= 0, "a contact on a survivor must see a session that died with its node go "
                    + "unavailable (RFC 6121 §4.6.3); still available 120 s after SIGKILL");
        } finally {
            stop.set(true);
            prober.join(10_000);
            for (Client c : receivers) c.close();
            for (Client c : senders) c.close();
            ghost.close();
            watcher.close();
        }

        // Nothing stored before the crash is lost: accounts log in, rosters and offline messages are all there.
        for (int i = 0; i < keeperCount; i++) {
            String u = keepers.get(i);
            try (Client k = login(survivors.get(i % 2), u, "after")) {
                RosterEntry next = k.roster.getEntry(bare(keepers.get((i + 1) % keeperCount)));
                assertNotNull(next, u + " lost its roster item in the crash");
                assertEquals("next-" + i, next.getName());
                assertEquals(List.of("Ring"), groups(next));
                assertEquals(stored.get(u), awaitBodies(k, stored.get(u).size()),
                        u + " must receive exactly the offline messages stored before the crash");
            }
        }

        // The survivors keep serving.
        String carol = node(1).newUser("carol");
        String dave = node(2).newUser("dave");
        try (Client c = login(node(1), carol, "after"); Client d = login(node(2), dave, "after")) {
            c.send(d.jid(), "still here");
            assertEquals("still here", awaitBody(d, "still here"));
            d.send(c.jid(), "me too");
            assertEquals("me too", awaitBody(c, "me too"));
        }
    }

    // ---- cluster helpers ---------------------------------------------------------------------------------------

    /** nodes are numbered from 1, like their folders. */
    private static NodeProcess node(int number) {
        return nodes.get(number - 1);
    }

    /** Starts any node that is down (after an earlier test failed midway) and waits until all are Up. */
    private static void ensureClusterOfThree() throws Exception {
        boolean started = false;
        for (NodeProcess n : nodes) {
            if (!n.isAlive()) {
                log("restarting %s for the next test", n.name());
                n.start();
                started = true;
            }
        }
        if (started) {
            for (NodeProcess n : nodes) n.awaitStarted(START_TIMEOUT);
        }
        awaitAllUp();
    }

    /** Every node sees every node Up and none unreachable. */
    private static void awaitAllUp() throws InterruptedException {
        List<String> addresses = nodes.stream().map(NodeProcess::address).collect(Collectors.toList());
        long deadline = System.nanoTime() + MEMBERSHIP_TIMEOUT.toNanos();
        Map<String, String> last = new LinkedHashMap<>();
        while (true) {
            boolean all = true;
            for (NodeProcess n : nodes) {
                try {
                    NodeProcess.Members m = n.members();
                    last.put(n.name(), m.toString());
                    if (!m.allUp(addresses)) all = false;
                } catch (Exception e) {
                    last.put(n.name(), e.toString());
                    all = false;
                }
            }
            if (all) return;
            if (System.nanoTime() > deadline) {
                fail("the nodes did not all see " + addresses + " Up within " + MEMBERSHIP_TIMEOUT + ": " + last);
            }
            Thread.sleep(250);
        }
    }

    private static boolean listedBy(NodeProcess observer, NodeProcess node) {
        try {
            return observer.members().lists(node.address());
        } catch (Exception e) {
            return true;
        }
    }

    private static void printNodeLogs(String what) {
        StringBuilder sb = new StringBuilder("==== node logs after failure of: " + what + "\n");
        for (NodeProcess n : nodes) {
            sb.append(n).append('\n');
            sb.append("first ERROR lines:\n");
            for (String l : n.logLines(15, " ERROR ", "Exception")) sb.append("  ").append(l).append('\n');
            sb.append(n.logTail(40)).append('\n');
        }
        System.out.println(sb);
    }

    // ---- clients ---------------------------------------------------------------------------------------------

    /** A logged-in Smack connection with what it received: messages with a body, and subscription requests. */
    private static final class Client implements AutoCloseable {
        final String user;
        final XMPPTCPConnection conn;
        final Roster roster;
        final BlockingQueue<Presence> subscribes;
        final BlockingQueue<Message> inbox;
        /** Body to arrival time (nanoTime) of every message with a body. */
        final Map<String, Long> arrivals;

        Client(String user, XMPPTCPConnection conn, BlockingQueue<Presence> subscribes, BlockingQueue<Message> inbox,
                Map<String, Long> arrivals) {
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
    }

    /** Logs in with the listeners in place before the initial presence, and waits for the roster. */
    private static Client login(NodeProcess node, String user, String resource) throws Exception {
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
        Client client = new Client(user, c, subscribes, inbox, arrivals);
        try {
            awaitTrue(user + "'s roster was not loaded", client.roster::isLoaded);
        } catch (AssertionError e) {
            client.close();
            throw e;
        }
        return client;
    }

    /** Logs in many users at once (a few at a time: SCRAM and TLS cost CPU on both sides). */
    private static List<Client> loginAll(List<NodeProcess> where, List<String> users, String resource)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Client>> futures = new ArrayList<>();
            for (int i = 0; i < users.size(); i++) {
                NodeProcess n = where.get(i);
                String u = users.get(i);
                futures.add(pool.submit(() -> login(n, u, resource)));
            }
            List<Client> clients = new ArrayList<>();
            for (Future<Client> f : futures) clients.add(f.get(60, TimeUnit.SECONDS));
            return clients;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The user asks for the contact's presence; the contact (online) approves. */
    private static void subscribe(Client user, Client contact) throws Exception {
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
    private static void barrier(Client via, BareJid target) throws Exception {
        try {
            VCardManager.getInstanceFor(via.conn).loadVCard(target.asEntityBareJidOrThrow());
        } catch (XMPPException.XMPPErrorException e) {
            // An error answer is an answer too.
        } catch (SmackException.NoResponseException e) {
            fail("no answer from " + target + "'s entity within " + ItEnvironment.REPLY_TIMEOUT_MS + " ms");
        }
    }

    /** Bodies received (delayed or not) until {@code expected} of them arrived, or nothing new came for 3 s. */
    private static Set<String> awaitBodies(Client c, int expected) throws InterruptedException {
        Set<String> got = new TreeSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            Message m = c.inbox.poll(got.size() >= expected ? 500 : 3000, TimeUnit.MILLISECONDS);
            if (m == null) break;
            got.add(m.getBody());
        }
        return got;
    }

    private static String awaitBody(Client c, String body) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            Message m = c.inbox.poll(200, TimeUnit.MILLISECONDS);
            if (m != null && body.equals(m.getBody())) return body;
        }
        return null;
    }

    /** Milliseconds from {@code since} until the first probe sent at or after it reached {@code c}; -1: none yet. */
    private static long firstArrivalAfter(Client c, List<Long> roundSent, long since) {
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

    private static String unreached(long[] reachedMs, List<Client> receivers) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < reachedMs.length; i++) if (reachedMs[i] < 0) names.add(receivers.get(i).user);
        return names.toString();
    }

    private static RosterPacket.ItemType type(Client c, BareJid contact) {
        RosterEntry e = c.roster.getEntry(contact);
        return e == null ? null : e.getType();
    }

    private static List<String> groups(RosterEntry e) {
        return e.getGroups().stream().map(RosterGroup::getName).sorted().collect(Collectors.toList());
    }

    private static BareJid bare(String user) throws Exception {
        return JidCreate.bareFrom(user + "@localhost");
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail(what);
            Thread.sleep(50);
        }
    }

    private static long ms(long sinceNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
    }

    private static void log(String format, Object... args) {
        System.out.println(String.format(java.util.Locale.ROOT, format, args));
    }
}
