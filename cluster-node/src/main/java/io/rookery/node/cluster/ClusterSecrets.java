package io.rookery.node.cluster;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * Secrets every node of the cluster shares, kept in Cassandra ({@code cluster_secrets}): the first node to start
 * creates one with a lightweight transaction, the others read what it wrote. Called once at start, before the
 * listeners open (a blocking call, off the dispatchers).
 */
public final class ClusterSecrets {
    /** Derives the stand-in SCRAM salts of unknown users (see SaslMechanisms.useUnknownUserSecret). */
    public static final String UNKNOWN_USER_SALT = "unknown-user-salt";

    private ClusterSecrets() {}

    public static byte[] getOrCreate(CqlSession cql, String keyspace, String name) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        cql.execute(SimpleStatement.newInstance(
                "INSERT INTO " + keyspace + ".cluster_secrets (name, value) VALUES (?, ?) IF NOT EXISTS",
                name, ByteBuffer.wrap(fresh)));
        // Serial read: sees the value of whichever insert won, even one not yet at quorum everywhere.
        Row row = cql.execute(SimpleStatement.newInstance(
                "SELECT value FROM " + keyspace + ".cluster_secrets WHERE name = ?", name)
                .setConsistencyLevel(ConsistencyLevel.SERIAL)).one();
        if (row == null) throw new IllegalStateException("cluster secret " + name + " could not be read back");
        ByteBuffer value = row.getByteBuffer(0);
        byte[] out = new byte[value.remaining()];
        value.get(out);
        return out;
    }
}
