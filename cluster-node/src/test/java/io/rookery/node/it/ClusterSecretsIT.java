package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.datastax.oss.driver.api.core.CqlSession;
import io.rookery.node.RookeryNode;
import io.rookery.node.Storage;
import io.rookery.node.cluster.ClusterSecrets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Nodes share secrets through Cassandra: whoever comes first creates one, everyone reads the same bytes. */
class ClusterSecretsIT {

    @Test
    void theFirstNodeCreatesASecretAndEveryLaterReaderGetsTheSameBytes() throws Exception {
        var c = ItEnvironment.cassandra();
        // A node start applies the schema (and sets the unknown-user secret from this table).
        try (RookeryNode node = ItEnvironment.startNode(Map.of());
                CqlSession cql = Storage.connect(List.of(c.host() + ":" + c.cqlPort()), "datacenter1")) {
            String keyspace = node.settings().cassandra().keyspace();
            String name = "test-secret-" + System.nanoTime();
            byte[] first = ClusterSecrets.getOrCreate(cql, keyspace, name);
            byte[] second = ClusterSecrets.getOrCreate(cql, keyspace, name);

            assertEquals(32, first.length);
            assertArrayEquals(first, second);
            assertFalse(Arrays.equals(first, ClusterSecrets.getOrCreate(cql, keyspace, name + "-other")));
            assertEquals(32, ClusterSecrets.getOrCreate(cql, keyspace, ClusterSecrets.UNKNOWN_USER_SALT).length);
        }
    }
}
