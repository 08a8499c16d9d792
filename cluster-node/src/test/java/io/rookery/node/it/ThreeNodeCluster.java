package io.rookery.node.it;

import static io.rookery.node.it.ClusterItSupport.log;
import static io.rookery.node.it.ClusterItSupport.ms;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@link ClusterIT}'s three nodes in child JVMs on the shared Cassandra: started once for the whole class
 * ({@link #start()} from its {@code @BeforeAll}, {@link #stop()} from its {@code @AfterAll}), the membership waits,
 * and the node logs printed when something fails.
 */
final class ThreeNodeCluster {
    static final int NODES = 3;
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration MEMBERSHIP_TIMEOUT = Duration.ofSeconds(90);
    /**
     * A keyspace of its own: no other test's nodes clean up after (or are cleaned up by) these. Kept across runs on
     * the same Cassandra data, so only the first run pays for creating the tables (about 20 s here); user names are
     * fresh in every run.
     */
    private static final String KEYSPACE = "rookery_cluster_it";
    /**
     * XEP-0198: a stream lost with a killed node waits this long to be resumed before what it kept goes offline
     * (300 s by default; the tests wait it out).
     */
    static final Map<String, String> SETTINGS = Map.of("rookery.modules.sm.max-resumption-time", "20s");
    private final List<NodeProcess> nodes = new ArrayList<>();

    /** Applies the schema, starts the nodes (all at once) and waits until every node sees all three Up. */
    void start() throws Exception {
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
                    cql, KEYSPACE, SETTINGS));
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

    void stop() throws Exception {
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

    /** The nodes in order (node1 first), as a live view: empty until {@link #start()}. */
    List<NodeProcess> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** nodes are numbered from 1, like their folders. */
    NodeProcess node(int number) {
        return nodes.get(number - 1);
    }

    /** Starts any node that is down (after an earlier test failed midway) and waits until all are Up. */
    void ensureClusterOfThree() throws Exception {
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
    void awaitAllUp() throws InterruptedException {
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

    static boolean listedBy(NodeProcess observer, NodeProcess node) {
        try {
            return observer.members().lists(node.address());
        } catch (Exception e) {
            return true;
        }
    }

    /** Each node, its first ERROR lines and the end of its log, on standard output (a failed test calls it). */
    void printNodeLogs(String what) {
        StringBuilder sb = new StringBuilder("==== node logs after failure of: " + what + "\n");
        for (NodeProcess n : nodes) {
            sb.append(n).append('\n');
            sb.append("first ERROR lines:\n");
            for (String l : n.logLines(15, " ERROR ", "Exception")) sb.append("  ").append(l).append('\n');
            sb.append(n.logTail(40)).append('\n');
        }
        System.out.println(sb);
    }
}
