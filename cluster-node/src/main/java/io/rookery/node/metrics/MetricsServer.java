package io.rookery.node.metrics;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rookery.node.config.RookerySettings;
import io.rookery.node.http.HttpGuard;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Serves a node's metrics over HTTP (GET /metrics, in the format the scraper's Accept header asks for) and adds the
 * figures read at scrape time: cluster members by status, unreachable members, and the user shards and entities this
 * node hosts.
 *
 * <p>pekko-http reads the requests, so a client that stalls half-way through one holds a connection, not a thread.
 * (The Prometheus client's own server, on the JDK's HttpServer, reads each request on a worker thread: ten stalled
 * requests held its ten workers and /metrics waited behind them.) Scrapes run on a small pool of their own, so the
 * scrape's wait for the sharding statistics never blocks a dispatcher, with a queue as long as the connections
 * allowed.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Duration STATS_TIMEOUT = Duration.ofSeconds(2);

    private final ServerBinding binding;
    private final ThreadPoolExecutor workers;

    private MetricsServer(ServerBinding binding, ThreadPoolExecutor workers) {
        this.binding = binding;
        this.workers = workers;
    }

    public static MetricsServer start(NodeMetrics metrics, ActorSystem<?> system, EntityTypeKey<?> users,
            RookerySettings.MetricsSettings settings) throws Exception {
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
        HttpGuard guard = new HttpGuard("metrics", settings.limits(), metrics);
        ThreadPoolExecutor workers = workers(settings);
        Scrapes scrapes = new Scrapes(metrics.registry(), workers, guard);
        Route route = guard.route(() -> Directives.path("metrics", () -> Directives.get(() ->
                Directives.encodeResponse(() -> Directives.extractRequest(
                        request -> Directives.completeWithFuture(scrapes.answer(request)))))));
        try {
            ServerBinding binding = Http.get(system).newServerAt(settings.iface(), settings.port())
                    .withSettings(guard.serverSettings(system)).bind(route)
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new MetricsServer(binding, workers);
        } catch (Exception e) {
            workers.shutdownNow();
            throw e;
        }
    }

    /**
     * settings.workers() daemon threads. Waiting scrapes are bounded by the connections allowed (pekko-http hands over
     * one request per connection at a time); a scrape whose request timed out still holds its place until a worker
     * skips it, so hung collectors can fill the queue, and then further scrapes are refused as busy.
     */
    private static ThreadPoolExecutor workers(RookerySettings.MetricsSettings settings) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(settings.workers(), settings.workers(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(settings.limits().maxConnections()), r -> {
                    Thread t = new Thread(r, "rookery-metrics-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Renders scrapes on the workers. */
    private record Scrapes(PrometheusRegistry registry, ThreadPoolExecutor workers, HttpGuard guard) {
        private static final ExpositionFormats FORMATS = ExpositionFormats.init();

        CompletionStage<HttpResponse> answer(HttpRequest request) {
            String accept = request.getHeader("Accept").map(HttpHeader::value).orElse("");
            long deadline = System.nanoTime() + guard.limits().requestTimeout().toNanos();
            try {
                return CompletableFuture.supplyAsync(() -> {
                    // The request timeout has answered 503 already: the work would be thrown away.
                    if (System.nanoTime() - deadline > 0) throw new CancellationException("scrape expired");
                    return render(accept);
                }, workers);
            } catch (RejectedExecutionException e) {
                return CompletableFuture.completedFuture(guard.refuse(HttpGuard.BUSY, request));
            }
        }

        private HttpResponse render(String accept) {
            ExpositionFormatWriter writer = FORMATS.findWriter(accept);
            ByteArrayOutputStream body = new ByteArrayOutputStream(64 << 10);
            try {
                writer.write(body, registry.scrape(), EscapingScheme.fromAcceptHeader(accept));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return HttpResponse.create().withEntity(ContentTypes.parse(writer.getContentType()), body.toByteArray());
        }
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
        return binding.localAddress().getPort();
    }

    @Override
    public void close() {
        try {
            binding.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Closing anyway: the workers stop and the actor system ends the connections.
        } finally {
            workers.shutdownNow();
        }
    }
}
