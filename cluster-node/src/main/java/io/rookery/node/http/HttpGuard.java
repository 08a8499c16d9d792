package io.rookery.node.http;

import io.rookery.node.config.RookerySettings.HttpLimits;
import io.rookery.node.limits.RateLimitedLog;
import io.rookery.node.metrics.NodeMetrics;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.DurationConverters;

/**
 * The limits of one of the node's HTTP servers (metrics, admin) applied to its pekko-http binding, and the requests it
 * refuses: answered 503, counted ({@code rookery_http_requests_refused_total}) and logged ({@code
 * http-request-refused}). pekko-http reads requests without a thread per connection, so a client that sends half a
 * request and stops holds one connection until the idle timeout, and blocks nobody else.
 */
public final class HttpGuard {
    public static final String TIMEOUT = "timeout";
    public static final String BUSY = "busy";

    private static final Logger log = LoggerFactory.getLogger(HttpGuard.class);

    private final String server;
    private final HttpLimits limits;
    private final NodeMetrics metrics;
    /** A flood of refusals must not flood the log: one line per interval, with how many it stands for. */
    private final RateLimitedLog refusals = new RateLimitedLog();

    /** server: "metrics" or "admin", the label of its refusals. */
    public HttpGuard(String server, HttpLimits limits, NodeMetrics metrics) {
        this.server = server;
        this.limits = limits;
        this.metrics = metrics;
    }

    public HttpLimits limits() {
        return limits;
    }

    /** pekko-http settings for the binding: idle and request timeouts, concurrent connections. */
    public ServerSettings serverSettings(ActorSystem<?> system) {
        ServerSettings base = ServerSettings.create(Adapter.toClassic(system));
        return base.withMaxConnections(limits.maxConnections()).withTimeouts(base.getTimeouts()
                .withIdleTimeout(DurationConverters.toScala(limits.idleTimeout()))
                .withRequestTimeout(DurationConverters.toScala(limits.requestTimeout())));
    }

    /** The routes, with a request that outlives the request timeout refused through {@link #refuse}. */
    public Route route(Supplier<Route> inner) {
        return Directives.withRequestTimeoutResponse(request -> refuse(TIMEOUT, request), inner);
    }

    /** Counts and logs a refusal; returns the 503 to answer with. */
    public HttpResponse refuse(String reason, HttpRequest request) {
        metrics.httpRequestRefused(server, reason);
        long stands = refusals.event(System.nanoTime());
        if (stands > 0) {
            log.warn("http-request-refused server={} reason={} method={} path={} refused-since-last-line={}", server,
                    reason, request.method().value(), request.getUri().path(), stands);
        }
        return HttpResponse.create().withStatus(StatusCodes.SERVICE_UNAVAILABLE)
                .withEntity(TIMEOUT.equals(reason) ? "request timed out\n" : "busy, try again\n");
    }
}
