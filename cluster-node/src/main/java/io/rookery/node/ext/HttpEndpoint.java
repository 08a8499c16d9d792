package io.rookery.node.ext;

import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * What a module serves on the node's HTTP listeners ({@code rookery.http}): its route, built once when the listeners
 * start (not at all while they are off). The module's paths are its own; the core's (the WebSocket endpoint,
 * {@code /.well-known}) come first.
 */
@FunctionalInterface
public interface HttpEndpoint {
    Route route(Context context);

    /**
     * system: for the route's streams and blocking work; baseUrl: where clients reach the listeners, such as
     * {@code https://example.com:5443} (no trailing slash), known once they are bound: read it when handling.
     */
    record Context(ActorSystem<?> system, Supplier<String> baseUrl) {}
}
