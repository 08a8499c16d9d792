package io.rookery.node.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Serves a node's metrics over HTTP and adds the figures read at scrape time: cluster members by status, unreachable
 * members, and the user shards and entities this node hosts. The HTTP server has its own small thread pool, so the
 * scrape's wait for the sharding statistics never blocks a dispatcher.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Duration STATS_TIMEOUT = Duration.ofSeconds(2);

    private final HTTPServer server;

    private MetricsServer(HTTPServer server) {
        this.server = server;
    }

    public static MetricsServer start(NodeMetrics metrics, ActorSystem<?> system, EntityTypeKey<?> users,
            String iface, int port) throws IOException {
        Cluster cluster = Cluster.get(system);
        metrics.gauge("rookery_cluster_members", "Cluster members as this node sees them, by status", "status", cb -> {
            Map<MemberStatus, Integer> counts = new java.util.HashMap<>();
            cluster.state().getMembers().forEach(m -> counts.merge(m.status(), 1, Integer::sum));
            for (String status : new String[] {"Joining", "WeaklyUp", "Up", "Leaving", "Exiting", "Down"}) {
                int n = 0;
                for (var e : counts.entrySet()) if (e.getKey().toString().equals(status)) n = e.getValue();
                cb.call(n, status);
            }
        });
        metrics.gauge("rookery_cluster_unreachable_members", "Members this node's failure detector finds unreachable",
                null, cb -> cb.call(cluster.state().getUnreachable().size()));
        // One sharding query serves both gauges of a scrape: the answer is reused for a second.
        java.util.function.Supplier<double[]> counts = new java.util.function.Supplier<>() {
            private double[] last;
            private long at;

            @Override
            public synchronized double[] get() {
                long now = System.nanoTime();
                if (last == null || now - at > 1_000_000_000L) {
                    last = localCounts(system, users);
                    at = now;
                }
                return last;
            }
        };
        metrics.gauge("rookery_shards", "User shards hosted by this node (NaN when sharding does not answer)", null,
                cb -> cb.call(counts.get()[0]));
        metrics.gauge("rookery_user_entities", "User entities running on this node (NaN when sharding does not answer)",
                null, cb -> cb.call(counts.get()[1]));
        HTTPServer server = HTTPServer.builder().hostname(iface).port(port).registry(metrics.registry())
                .buildAndStart();
        return new MetricsServer(server);
    }

    /**
     * This node's shard and entity counts, or NaN for both when the local shard region does not answer in time. The
     * query goes to this node's region only (counts, not entity ids), so it costs the same whatever the cluster's size.
     */
    private static double[] localCounts(ActorSystem<?> system, EntityTypeKey<?> users) {
        try {
            ActorRef region = ClusterSharding.get(Adapter.toClassic(system)).shardRegion(users.name());
            Object reply = Patterns.ask(region, ShardRegion.getRegionStatsInstance(), STATS_TIMEOUT)
                    .toCompletableFuture().get(STATS_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            ShardRegion.ShardRegionStats own = (ShardRegion.ShardRegionStats) reply;
            double entities = 0;
            for (Object count : own.getStats().values()) entities += ((Number) count).doubleValue();
            return new double[] {own.getStats().size(), entities};
        } catch (Exception e) {
            return new double[] {Double.NaN, Double.NaN};
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
