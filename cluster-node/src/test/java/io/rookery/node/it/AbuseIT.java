package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node with a 256 MiB heap (a child JVM, default limits but the shaper's rate and the outbound buffer, raised so
 * that this test's large messages arrive in seconds rather than hours) under several attacks at once, over raw sockets: 500 unauthenticated
 * connections holding partial stanzas, 50,000 messages to a recipient that stopped reading, 1,000 maximum-size
 * messages to each of three offline users, and a password-guessing loop. Meanwhile a bystander's messages keep
 * arriving and fresh logins keep working; afterwards the node and its Cassandra are alive, the heap after a full GC
 * is back near where it started, and every message the attackers sent is accounted for: delivered, stored (and
 * delivered at the next login) or bounced to its sender.
 */
class AbuseIT {
    private static final String KEYSPACE = "rookery_abuse_it";
    private static final String PASSWORD = ItEnvironment.PASSWORD;
    private static final Duration PHASE = Duration.ofSeconds(150);
    private static final int UNAUTHENTICATED = 500;
    private static final int FLOOD = 50_000;
    private static final int FLOODERS = 5;
    /** About 25 MB of flood in all: more than the kernel and the node's outbound buffer hold for the recipient. */
    private static final String FILLER = " " + "y".repeat(400);
    private static final int LARGE = 1_000;
    private static final int OFFLINE_USERS = 3;
    /** Fits rookery.c2s.max-stanza-bytes (256 KiB) with the message around it. */
    private static final int LARGE_BODY = 260_000;
    /** How many of those fit the default rookery.user.max-offline-bytes (10 MiB). */
    private static final int STORABLE = (10 << 20) / LARGE_BODY;
    /**
     * One client for every scrape, so that its keep-alive connection is reused: the threads here scrape every 100 to
     * 200 ms, and with a client per scrape each left a connection open until the node's metrics idle-timeout (20 s)
     * or a GC closed it; past rookery.metrics' max-connections (32) a scrape waited for one of them to go.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static NodeProcess node;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        String cql = ItEnvironment.cqlContactPoint();
        ItEnvironment.applySchema(KEYSPACE);
        int clusterPort = NodeProcess.freePorts(1).get(0);
        node = NodeProcess.clusterNode("abuse", ItEnvironment.testDir().resolve("abuse-it"), clusterPort,
                List.of(clusterPort), cql, KEYSPACE, Map.of(
                        "rookery.c2s.require-tls", "false",
                        "rookery.c2s.allow-plain-without-tls", "true",
                        // The limits raised: 64 KiB/s per connection would take an hour for 750 MB; and the senders
                        // of maximum-size messages get as large bounces, of which the default 1 MiB outbound buffer
                        // holds four: on a busy two-core box their reader thread can fall that far behind, and the
                        // node then drops them (the limit working), after which this test could no longer tell
                        // which of their messages the node had accepted.
                        "rookery.c2s.shaper.rate", "64MiB",
                        "rookery.c2s.shaper.burst", "4MiB",
                        "rookery.c2s.max-outbound-buffer-bytes", "4MiB"));
        node.start().awaitStarted(Duration.ofSeconds(120));
        port = node.starttlsPort();
    }

    @AfterAll
    static void stop() {
        if (node != null) node.stop(Duration.ofSeconds(20));
    }

    private static void log(String format, Object... args) {
        System.out.printf("[abuse-it] " + format + "%n", args);
    }

    @Test
    void theNodeSurvivesAbuseServesABystanderAndLosesNothing() throws Exception {
        String a = node.newUser("bystander-a");
        String b = node.newUser("bystander-b");
        String target = node.newUser("flooded");
        String victim = node.newUser("guessed");
        String prober = node.newUser("prober");
        List<String> offline = new ArrayList<>();
        for (int i = 0; i < OFFLINE_USERS; i++) offline.add(node.newUser("offline"));
        List<String> flooders = new ArrayList<>();
        for (int i = 0; i < FLOODERS; i++) flooders.add(node.newUser("flooder"));
        List<String> senders = new ArrayList<>();
        for (int i = 0; i < OFFLINE_USERS; i++) senders.add(node.newUser("sender"));

        Wire alice = Wire.login(port, a, PASSWORD, "desk", true).startReading();
        Wire bob = Wire.login(port, b, PASSWORD, "desk", true).startReading();
        // Logs in, says it is available, and stops reading until the node drops it for what it left unread; its
        // small receive buffer keeps the kernel from holding the whole flood for it, so the node's outbound limit is
        // reached. Then it reads what the node had written before the drop: the node closes a dropped connection once
        // that is read, or after rookery.c2s.close-timeout (10 s) with a reset, and what the client has not read by
        // then is gone with it (what a client has not acknowledged survives that only with XEP-0198, not built yet).
        Wire stopped = Wire.login(port, target, PASSWORD, "phone", true, 16 << 10);
        long baseline = heapAfterFullGc();
        log("heap after a full GC before the attacks: %d KiB", baseline >> 10);

        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());

        // The bystander: Alice to Bob every 100 ms.
        AtomicInteger bystanderSent = new AtomicInteger();
        threads.add(thread("bystander", failures, () -> {
            while (running.get()) {
                int n = bystanderSent.getAndIncrement();
                alice.send("<message to='" + b + "@localhost' type='chat' id='BY-" + n + "'><body>hi " + n
                        + "</body></message>");
                Thread.sleep(100);
            }
        }));
        // The stopped recipient reads again once the node has dropped it.
        threads.add(thread("stopped", failures, () -> {
            while (running.get() && scrape("xmpp_c2s_output_dropped_total") < 1) Thread.sleep(200);
            stopped.startReading();
        }));
        // Fresh logins every 500 ms, each must succeed.
        AtomicInteger logins = new AtomicInteger();
        List<String> loginFailures = java.util.Collections.synchronizedList(new ArrayList<>());
        threads.add(thread("logins", failures, () -> {
            while (running.get()) {
                long t0 = System.nanoTime();
                try (Wire w = Wire.login(port, prober, PASSWORD, "r" + logins.get(), false)) {
                    logins.incrementAndGet();
                } catch (IOException e) {
                    loginFailures.add(e.getMessage());
                }
                Thread.sleep(Math.max(0, 500 - (System.nanoTime() - t0) / 1_000_000));
            }
        }));
        // Password guessing, one connection per guess, from an address of its own.
        AtomicInteger guesses = new AtomicInteger();
        threads.add(thread("guessing", failures, () -> {
            while (running.get()) {
                try (Wire w = Wire.connect("127.0.0.50", port)) {
                    w.send(RawClient.HEADER).awaitText("</stream:features>", Duration.ofSeconds(20));
                    w.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                            + java.util.Base64.getEncoder().encodeToString(("\0" + victim + "\0wrong"
                                    + guesses.incrementAndGet()).getBytes()) + "</auth>");
                    w.awaitText("<failure", Duration.ofSeconds(30));
                } catch (IOException e) {
                    // Closed or slowed down: both are the throttle at work.
                }
            }
        }));
        // 500 unauthenticated connections from 25 addresses (the per-address cap is 20), each holding a partial
        // stanza of many small elements just under what a parser may hold before authentication (64 KiB of heap).
        List<Wire> holders = new ArrayList<>();
        byte[] partialBytes = ("<iq type='get' id='partial'><query xmlns='jabber:iq:version'>"
                + "<x a='b'/>".repeat(450)).getBytes();
        for (int i = 0; i < UNAUTHENTICATED; i++) {
            Wire w = Wire.connect("127.0.0." + (2 + i / 20), port);
            holders.add(w);
            w.send(RawClient.HEADER).send(partialBytes);
        }
        // They hold: each has reserved its share beyond the free 32 KiB from the node's parse budget.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        double reserved = 0;
        while (System.nanoTime() < deadline && (reserved = scrape("xmpp_c2s_parse_budget_used_bytes")) < 400 * 20_000) {
            Thread.sleep(100);
        }
        log("%d unauthenticated connections hold %d bytes each; parse budget reserved: %.0f KiB", holders.size(),
                partialBytes.length, reserved / 1024);
        assertTrue(reserved >= 400 * 20_000, "the partial stanzas are not held: " + reserved);

        // The flood to the recipient that stopped reading, and the large messages to the offline users.
        List<Wire> flooding = new ArrayList<>();
        for (String f : flooders) flooding.add(Wire.login(port, f, PASSWORD, "gun", false).startReading());
        List<Wire> sending = new ArrayList<>();
        for (String s : senders) sending.add(Wire.login(port, s, PASSWORD, "gun", false).startReading());
        long attackStart = System.nanoTime();
        List<Thread> attacks = new ArrayList<>();
        for (int f = 0; f < FLOODERS; f++) {
            Wire w = flooding.get(f);
            int k = f;
            attacks.add(thread("flood-" + f, failures, () -> {
                for (int n = 0; n < FLOOD / FLOODERS && running.get(); n++) {
                    w.send("<message to='" + target + "@localhost' type='chat' id='FL-" + k + "-" + n
                            + "'><body>flood " + n + FILLER + "</body></message>");
                }
            }));
        }
        String body = "x".repeat(LARGE_BODY);
        for (int s = 0; s < OFFLINE_USERS; s++) {
            Wire w = sending.get(s);
            String to = offline.get(s);
            int k = s;
            attacks.add(thread("large-" + s, failures, () -> {
                String prefix = "LG-" + k + "-";
                for (int n = 0; n < LARGE && running.get(); n++) {
                    // A client that reads its answers: past what offline storage can hold (10 MiB, about 40 of
                    // these), at most two unanswered at a time, so that the bounces (each as large as the message)
                    // stay well within the node's outbound buffer for it. Not waiting more than 5 s for one.
                    long waitUntil = System.nanoTime() + 5_000_000_000L;
                    while (n - w.ids("error", prefix).size() > STORABLE + 2 && System.nanoTime() < waitUntil) {
                        Thread.sleep(2);
                    }
                    w.send("<message to='" + to + "@localhost' type='chat' id='" + prefix + n + "'><body>" + body
                            + "</body></message>");
                }
            }));
        }
        threads.addAll(attacks);
        for (Thread t : threads) t.start();
        for (Thread t : attacks) t.join(PHASE.toMillis());
        log("attacks sent in %d ms", (System.nanoTime() - attackStart) / 1_000_000);
        // Bounces still on their way back: wait until the counts stop moving.
        awaitQuiet(() -> {
            long sum = 0;
            for (Wire w : flooding) sum += w.bytesRead.get();
            for (Wire w : sending) sum += w.bytesRead.get();
            return sum;
        });
        running.set(false);
        for (Thread t : threads) t.join(60_000);
        assertEquals(List.of(), failures, "a test thread failed");
        for (Wire w : holders) w.close();

        // The bystander got every message, and every fresh login worked.
        awaitQuiet(() -> bob.ids("chat", "BY-").size());
        Set<String> bystander = bob.ids("chat", "BY-");
        log("bystander: %d sent, %d received; fresh logins: %d, failed: %d; guesses: %d", bystanderSent.get(),
                bystander.size(), logins.get(), loginFailures.size(), guesses.get());
        assertEquals(bystanderSent.get(), bystander.size(), "the bystander lost messages");
        assertEquals(List.of(), loginFailures, "fresh logins failed during the attacks");
        assertTrue(logins.get() > 0, "no fresh login was tried");

        // The flood: read what the stopped recipient's socket holds, then what was stored for it.
        Set<String> flood = new HashSet<>();
        for (int f = 0; f < FLOODERS; f++) for (int n = 0; n < FLOOD / FLOODERS; n++) flood.add("FL-" + f + "-" + n);
        stopped.startReading();
        awaitQuiet(() -> stopped.bytesRead.get());
        Set<String> onSocket = stopped.ids("chat", "FL-");
        Wire again = Wire.login(port, target, PASSWORD, "again", true).startReading();
        awaitQuiet(() -> again.ids("chat", "FL-").size());
        Set<String> stored = again.ids("chat", "FL-");
        Set<String> bounced = new HashSet<>();
        for (Wire w : flooding) bounced.addAll(w.ids("error", "FL-"));
        Set<String> accounted = new HashSet<>(onSocket);
        accounted.addAll(stored);
        accounted.addAll(bounced);
        Set<String> lost = difference(flood, accounted);
        log("flood of %d: %d on the stopped socket (dropped by the node: %s), %d stored and delivered at the next "
                + "login, %d bounced; unaccounted: %d", flood.size(), onSocket.size(), stopped.closedByPeer(),
                stored.size(), bounced.size(), lost.size());
        // Where each flooder's messages went, and the range of those lost, to tell a failure's cause from its shape.
        StringBuilder perFlooder = new StringBuilder();
        for (int f = 0; f < FLOODERS; f++) {
            String prefix = "FL-" + f + "-";
            java.util.IntSummaryStatistics gone = lost.stream().filter(x -> x.startsWith(prefix))
                    .mapToInt(x -> Integer.parseInt(x.substring(prefix.length()))).summaryStatistics();
            perFlooder.append(String.format(" flooder %d: %d on the socket, %d stored, %d bounced, %d lost%s,"
                    + " its connection dropped by the node: %s;", f,
                    onSocket.stream().filter(x -> x.startsWith(prefix)).count(),
                    stored.stream().filter(x -> x.startsWith(prefix)).count(),
                    flooding.get(f).ids("error", prefix).size(), gone.getCount(),
                    gone.getCount() == 0 ? "" : " (" + gone.getMin() + " to " + gone.getMax() + ")",
                    flooding.get(f).closedByPeer()));
        }
        double outputDrops = scrape("xmpp_c2s_output_dropped_total");
        log("%s connections dropped for unread output: %.0f", perFlooder, outputDrops);
        assertEquals(Set.of(), sample(lost), "flood messages lost;" + perFlooder + " connections dropped for unread "
                + "output: " + outputDrops);
        assertTrue(stopped.closedByPeer(), "the node did not drop the recipient that stopped reading");
        assertEquals(1.0, outputDrops, "connections dropped for unread output");

        // The large messages: stored up to the offline limits, the rest bounced.
        for (int s = 0; s < OFFLINE_USERS; s++) {
            Set<String> sent = new HashSet<>();
            for (int n = 0; n < LARGE; n++) sent.add("LG-" + s + "-" + n);
            Wire owner = Wire.login(port, offline.get(s), PASSWORD, "home", true).startReading();
            String prefix = "LG-" + s + "-";
            awaitQuiet(() -> owner.ids("chat", prefix).size());
            Set<String> delivered = owner.ids("chat", prefix);
            Set<String> refused = sending.get(s).ids("error", prefix);
            Set<String> all = new HashSet<>(delivered);
            all.addAll(refused);
            log("large messages to %s: %d stored and delivered, %d bounced, unaccounted %d", offline.get(s),
                    delivered.size(), refused.size(), difference(sent, all).size());
            assertEquals(Set.of(), sample(difference(sent, all)), "large messages lost");
            assertTrue(delivered.size() > 0, "nothing was stored for " + offline.get(s));
            owner.close();
        }

        // The guessed account still opens with the right password (the throttle delays, never locks out).
        long t0 = System.nanoTime();
        try (Wire w = Wire.login(port, victim, PASSWORD, "me", false)) {
            log("the guessed account logged in %d ms after %d guesses", (System.nanoTime() - t0) / 1_000_000,
                    guesses.get());
        }

        // Alive, with its Cassandra (a new account is written there), and the heap back near its start.
        assertTrue(node.isAlive(), "the node died");
        String fresh = node.newUser("after");
        Wire.login(port, fresh, PASSWORD, "x", false).close();
        for (Wire w : flooding) w.close();
        for (Wire w : sending) w.close();
        stopped.close();
        again.close();
        long after = heapAfterFullGc();
        log("heap after a full GC once the attacks ended: %d KiB (before: %d KiB)", after >> 10, baseline >> 10);
        assertTrue(after < baseline + (48L << 20), "heap " + (after >> 10) + " KiB after, " + (baseline >> 10)
                + " KiB before");
        alice.close();
        bob.close();
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Thread thread(String name, List<Throwable> failures, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failures.add(new AssertionError(name + ": " + e, e));
            }
        }, "abuse-" + name);
        t.setDaemon(true);
        return t;
    }

    /** Waits until the value has not changed for three seconds (at most two minutes). */
    private static void awaitQuiet(java.util.function.LongSupplier value) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        long last = value.getAsLong();
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(250);
            long now = value.getAsLong();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > Duration.ofSeconds(3).toNanos()) {
                return;
            }
        }
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new HashSet<>(a);
        d.removeAll(b);
        return d;
    }

    /** At most ten of them, for a readable failure. */
    private static Set<String> sample(Set<String> s) {
        Set<String> out = new java.util.TreeSet<>();
        for (String x : s) {
            if (out.size() == 10) break;
            out.add(x);
        }
        return out;
    }

    private static double scrape(String nameWithLabels) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + node.port("metrics") + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("^" + Pattern.quote(nameWithLabels) + " (\\S+)$", Pattern.MULTILINE)
                .matcher(r.body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }

    /** A full GC in the node (jcmd), then its heap in use from /metrics. */
    private static long heapAfterFullGc() throws Exception {
        Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/jcmd", Long.toString(node.pid()),
                "GC.run").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + node.port("metrics") + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\"} (\\S+)$", Pattern.MULTILINE)
                .matcher(r.body());
        assertTrue(m.find(), "no heap figure in /metrics");
        return (long) Double.parseDouble(m.group(1));
    }
}
