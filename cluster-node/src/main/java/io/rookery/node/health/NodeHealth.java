package io.rookery.node.health;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.rookery.node.user.UserEntity;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * What the node tells its readiness check beyond cluster membership (which pekko-management checks itself): the
 * client listeners are bound, user sharding answers, and Cassandra answers a query. A node that cannot reach
 * Cassandra is not ready: it could neither log anyone in nor store a message.
 */
public final class NodeHealth implements Extension {
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

    public static final ExtensionId<NodeHealth> ID = new ExtensionId<>() {
        @Override
        public NodeHealth createExtension(ActorSystem<?> system) {
            return new NodeHealth(system);
        }
    };

    public static NodeHealth get(ActorSystem<?> system) {
        return system.registerExtension(ID);
    }

    private final ActorSystem<?> system;
    private volatile CqlSession cql;
    private volatile boolean listenersBound;

    private NodeHealth(ActorSystem<?> system) {
        this.system = system;
    }

    public void storage(CqlSession session) {
        this.cql = session;
    }

    public void listenersBound() {
        this.listenersBound = true;
    }

    /** Completes with true when ready; never fails (a failed check is false). */
    public CompletionStage<Boolean> ready() {
        if (!listenersBound || cql == null) return CompletableFuture.completedFuture(false);
        CompletionStage<Boolean> cassandra = cql.executeAsync(SimpleStatement.newInstance(
                        "SELECT release_version FROM system.local").setTimeout(CHECK_TIMEOUT))
                .thenApply(rs -> rs.one() != null)
                .exceptionally(failure -> false);
        CompletionStage<Boolean> sharding = AskPattern.<ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(
                        ClusterSharding.get(system).shardState(),
                        replyTo -> new GetClusterShardingStats(UserEntity.TYPE_KEY, CHECK_TIMEOUT, replyTo),
                        CHECK_TIMEOUT.plusSeconds(1), system.scheduler())
                .thenApply(stats -> true)
                .exceptionally(failure -> false);
        return cassandra.thenCombine(sharding, (a, b) -> a && b);
    }
}
