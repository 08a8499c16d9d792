package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import io.rookery.node.user.UserEntity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The XEP-0352 measurement of issue 19, run by hand (skipped otherwise): N users with rosters of K mutual contacts
 * change presence through the load generator's presence-churn; once with every user inactive, once with all but one
 * active, on the same rosters. The load generator prints (and notes in its report) the stanzas and bytes inactive and
 * active sessions received. Bounded: each run has the load generator's --timeout and a wait that ends it.
 *
 * <pre>
 * mvn -o -q -DskipTests package -pl protocol,loadtest
 * flock /tmp/rookery-bench.lock mvn -o verify -pl protocol,persistence,cluster-node -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=CsiMeasurementIT -Dcsi.measure=on \
 *     [-Dcsi.users=1000 -Dcsi.contacts=50 -Dcsi.rate=50 -Dcsi.duration=60s]
 * </pre>
 */
@EnabledIfSystemProperty(named = "csi.measure", matches = "on")
class CsiMeasurementIT {
    @Test
    void inactiveClientsReceiveFewerStanzasAndBytesThanActiveOnes() throws Exception {
        int users = Integer.getInteger("csi.users", 1000);
        int contacts = Integer.getInteger("csi.contacts", 50);
        String rate = System.getProperty("csi.rate", "50");
        String duration = System.getProperty("csi.duration", "60s");
        Path loadtest = Path.of("..", "loadtest", "target").toAbsolutePath().normalize();
        assertTrue(Files.exists(loadtest.resolve("classpath.txt")),
                "build the load generator first: mvn -o -q -DskipTests package -pl protocol,loadtest");
        RookeryNode node = ItEnvironment.startNode(Map.of("rookery.c2s.require-tls", false,
                "rookery.c2s.max-unauthenticated-per-address", 0));
        try {
            String prefix = "csi" + ProcessHandle.current().pid() + "u";
            createAccounts(node, prefix, users);
            String cp = loadtest.resolve("classes") + ":" + Files.readString(loadtest.resolve("classpath.txt")).trim();
            // All inactive (rosters set up first), then all but one active on the same rosters.
            run(cp, node, prefix, users, contacts, rate, duration, "1", true);
            run(cp, node, prefix, users, contacts, rate, duration, Integer.toString(users + 1), false);
        } finally {
            node.close();
        }
    }

    private static void createAccounts(RookeryNode node, String prefix, int users) throws Exception {
        for (int from = 1; from <= users; from += 100) {
            List<CompletableFuture<UserEntity.AccountStatus>> batch = new ArrayList<>();
            for (int i = from; i < Math.min(from + 100, users + 1); i++) {
                batch.add(node.accounts().create(node.accounts().jid(prefix + i), ItEnvironment.PASSWORD)
                        .toCompletableFuture());
            }
            for (var f : batch) assertEquals(UserEntity.AccountStatus.CREATED, f.get(60, TimeUnit.SECONDS));
        }
    }

    private static void run(String cp, RookeryNode node, String prefix, int users, int contacts, String rate,
            String duration, String inactiveEvery, boolean setup) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", cp, "io.rookery.loadtest.LoadTest", "--scenario=presence-churn", "--host=127.0.0.1",
                "--port=" + node.starttlsPort(), "--tls=off", "--user=" + prefix + "%d", "--first=1",
                "--password=" + ItEnvironment.PASSWORD, "--users=" + users, "--contacts=" + contacts,
                "--ramp=200", "--rate=" + rate, "--duration=" + duration, "--grace=10s",
                "--roster-setup=" + (setup ? "on" : "off"), "--csi-inactive-every=" + inactiveEvery,
                "--timeout=20m", "--out=" + Path.of("target", "csi-measurement-" + inactiveEvery).toAbsolutePath());
        System.out.println("csi-measurement: " + String.join(" ", cmd).replace(ItEnvironment.PASSWORD, "***"));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (!p.waitFor(25, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the load generator did not end within 25 minutes");
        }
    }
}
