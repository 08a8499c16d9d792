package io.rookery.node;

import com.datastax.oss.driver.api.core.CqlSession;
import io.rookery.node.config.RookerySettings;
import io.rookery.persistence.cassandra.CassandraSchema;
import java.net.InetSocketAddress;
import java.util.List;

/** Connecting to Cassandra and applying the versioned schema, shared by the node and the admin CLI. */
public final class Storage {
    private Storage() {}

    public static CqlSession connect(List<String> contactPoints, String datacenter) {
        return connect(contactPoints, datacenter, "", "");
    }

    public static CqlSession connect(RookerySettings.CassandraSettings c, List<String> contactPoints) {
        return connect(contactPoints, c.datacenter(), c.username(), c.password());
    }

    /** An empty username means a Cassandra without authentication. */
    public static CqlSession connect(List<String> contactPoints, String datacenter, String username, String password) {
        var builder = CqlSession.builder().withLocalDatacenter(datacenter);
        if (!username.isEmpty()) builder.withAuthCredentials(username, password);
        for (String cp : contactPoints) {
            int colon = cp.lastIndexOf(':');
            String host = colon > 0 ? cp.substring(0, colon) : cp;
            int port = colon > 0 ? Integer.parseInt(cp.substring(colon + 1)) : 9042;
            builder.addContactPoint(new InetSocketAddress(host, port));
        }
        return builder.build();
    }

    public static void applySchema(CqlSession session, RookerySettings.CassandraSettings c) {
        CassandraSchema.apply(session, c.keyspace(), replicationJson(c.replication()));
    }

    /** "SimpleStrategy:3" or "dc1:3,dc2:3" (NetworkTopologyStrategy) into CQL replication map text. */
    static String replicationJson(String spec) {
        String s = spec.trim();
        if (s.startsWith("SimpleStrategy:")) {
            int factor = Integer.parseInt(s.substring("SimpleStrategy:".length()).trim());
            return "{'class': 'SimpleStrategy', 'replication_factor': " + factor + "}";
        }
        StringBuilder sb = new StringBuilder("{'class': 'NetworkTopologyStrategy'");
        for (String part : s.split(",")) {
            String[] kv = part.trim().split(":");
            if (kv.length != 2 || !kv[0].matches("[A-Za-z0-9_\\-]+")) {
                throw new IllegalArgumentException("rookery.cassandra.replication: bad entry " + part);
            }
            sb.append(", '").append(kv[0]).append("': ").append(Integer.parseInt(kv[1].trim()));
        }
        return sb.append('}').toString();
    }
}
