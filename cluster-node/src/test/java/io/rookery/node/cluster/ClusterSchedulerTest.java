package io.rookery.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rookery.node.user.SingleNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The node's configuration gives Pekko Cluster no scheduler of its own: with the system's ticks (100 ms) longer than
 * {@code pekko.cluster.scheduler.tick-duration}, the cluster would start one ticking every 33 ms, a thread that wakes
 * 30 times a second on an idle node.
 */
class ClusterSchedulerTest {
    @Test
    void theClusterRunsItsPeriodicTasksOnTheSystemScheduler() {
        try (SingleNode node = SingleNode.start()) {
            String prefix = node.testKit.system().name() + "-cluster-scheduler";
            List<String> dedicated = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(n -> n.startsWith(prefix)).toList();
            assertEquals(List.of(), dedicated, "threads of a scheduler of the cluster's own");
        }
    }
}
