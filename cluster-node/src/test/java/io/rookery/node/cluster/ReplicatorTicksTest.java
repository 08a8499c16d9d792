package io.rookery.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.apache.pekko.cluster.ddata.ReplicatorSettings;
import org.junit.jupiter.api.Test;

/**
 * Both replicators an idle node runs, the receptionist's and sharding's, take the node's quieter ticks: Pekko builds
 * each one's settings from a copy of {@code pekko.cluster.distributed-data}, and a value set in the wrong place would
 * leave them ticking every 400 ms.
 */
class ReplicatorTicksTest {
    @Test
    void theReceptionistsAndShardingsReplicatorsSendNoDeltasAndNotifyOnceASecond() {
        Config config = ConfigFactory.load();
        for (String path : new String[] {"pekko.cluster.typed.receptionist.distributed-data",
                "pekko.cluster.sharding.distributed-data"}) {
            ReplicatorSettings settings = ReplicatorSettings.apply(config.getConfig(path));
            assertFalse(settings.deltaCrdtEnabled(), path);
            assertEquals(Duration.ofSeconds(1).toMillis(), settings.notifySubscribersInterval().toMillis(), path);
        }
    }
}
