package io.rookery.node.http;

import io.rookery.node.config.RookerySettings;
import io.rookery.node.websocket.WebSocketEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import scala.jdk.javaapi.DurationConverters;

/**
 * The node's HTTP listeners for web clients ({@code rookery.http}): plain HTTP (loopback unless configured) and
 * HTTPS with the client listeners' certificate, serving the WebSocket endpoint (RFC 7395) and the XEP-0156
 * host-meta documents that name it. Each binding reads the
 * client's address from the connection (never from X-Forwarded-For, which a client could write), for the
 * per-address limits.
 */
public final class HttpListeners {
    /** The bound ports (-1: not listening) and what unbinds them. */
    public record Bound(int plainPort, int tlsPort, List<ServerBinding> bindings) {
        public CompletionStage<Void> unbind() {
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (ServerBinding b : bindings) all.add(b.unbind().toCompletableFuture());
            return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
        }
    }

    private HttpListeners() {}

    /** Binds what is enabled; ssl null: no HTTPS. */
    public static CompletionStage<Bound> start(ActorSystem<?> system, RookerySettings.HttpSettings settings,
            SSLContext ssl, WebSocketEndpoint webSocket) {
        io.rookery.node.hostmeta.HostMetaEndpoint hostMeta = new io.rookery.node.hostmeta.HostMetaEndpoint(settings);
        if (!settings.enabled()) return CompletableFuture.completedFuture(new Bound(-1, -1, List.of()));
        ServerSettings server = serverSettings(system, settings);
        CompletableFuture<ServerBinding> plain = settings.plain().enabled()
                ? Http.get(system).newServerAt(settings.plain().iface(), settings.plain().port())
                        .withSettings(server).bind(Directives.concat(webSocket.route(true), hostMeta.route())).toCompletableFuture()
                : CompletableFuture.completedFuture(null);
        CompletableFuture<ServerBinding> tls = settings.tls().enabled() && ssl != null
                ? Http.get(system).newServerAt(settings.tls().iface(), settings.tls().port())
                        .enableHttps(ConnectionContext.httpsServer(ssl)).withSettings(server)
                        .bind(Directives.concat(webSocket.route(true), hostMeta.route())).toCompletableFuture()
                : CompletableFuture.completedFuture(null);
        return plain.thenCombine(tls, (p, t) -> {
            List<ServerBinding> bindings = new ArrayList<>();
            if (p != null) bindings.add(p);
            if (t != null) bindings.add(t);
            return new Bound(p == null ? -1 : p.localAddress().getPort(), t == null ? -1 : t.localAddress().getPort(),
                    List.copyOf(bindings));
        });
    }

    private static ServerSettings serverSettings(ActorSystem<?> system, RookerySettings.HttpSettings settings) {
        ServerSettings base = ServerSettings.create(Adapter.toClassic(system));
        RookerySettings.HttpLimits limits = settings.limits();
        return base.withMaxConnections(limits.maxConnections())
                .withRemoteAddressAttribute(true)
                .withWebsocketSettings(base.getWebsocketSettings()
                        .withPeriodicKeepAliveMaxIdle(settings.webSocketKeepalive()))
                .withTimeouts(base.getTimeouts()
                        .withIdleTimeout(DurationConverters.toScala(limits.idleTimeout()))
                        .withRequestTimeout(DurationConverters.toScala(limits.requestTimeout())));
    }
}
