package io.rookery.node.http;

import io.rookery.node.config.RookerySettings;
import io.rookery.node.ext.HttpEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
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
 * HTTPS with the client listeners' certificate, serving the web transports (WebSocket, RFC 7395; BOSH, XEP-0206)
 * and the XEP-0156 host-meta documents that name them. Each binding reads the
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

    /**
     * Binds what is enabled, serving the core's routes and then the modules' endpoints; ssl null: no HTTPS. The
     * modules learn the base URL clients reach the listeners at: rookery.http.public-url, else the HTTPS listener at
     * the served domain, else the plain one at its interface.
     */
    public static CompletionStage<Bound> start(ActorSystem<?> system, RookerySettings.HttpSettings settings,
            String domain, SSLContext ssl, List<Route> transports, List<HttpEndpoint> endpoints) {
        if (!settings.enabled()) return CompletableFuture.completedFuture(new Bound(-1, -1, List.of()));
        io.rookery.node.hostmeta.HostMetaEndpoint hostMeta = new io.rookery.node.hostmeta.HostMetaEndpoint(settings);
        AtomicReference<String> baseUrl = new AtomicReference<>(settings.publicUrl().isEmpty() ? null
                : settings.publicUrl().replaceAll("/$", ""));
        HttpEndpoint.Context context = new HttpEndpoint.Context(system, baseUrl::get);
        List<Route> routes = new ArrayList<>(transports);
        routes.add(hostMeta.route());
        for (HttpEndpoint e : endpoints) routes.add(e.route(context));
        Route all = Directives.concat(routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new));
        ServerSettings server = serverSettings(system, settings);
        CompletableFuture<ServerBinding> plain = settings.plain().enabled()
                ? Http.get(system).newServerAt(settings.plain().iface(), settings.plain().port())
                        .withSettings(server).bind(all).toCompletableFuture()
                : CompletableFuture.completedFuture(null);
        CompletableFuture<ServerBinding> tls = settings.tls().enabled() && ssl != null
                ? Http.get(system).newServerAt(settings.tls().iface(), settings.tls().port())
                        .enableHttps(ConnectionContext.httpsServer(ssl)).withSettings(server)
                        .bind(all).toCompletableFuture()
                : CompletableFuture.completedFuture(null);
        return plain.thenCombine(tls, (p, t) -> {
            List<ServerBinding> bindings = new ArrayList<>();
            if (p != null) bindings.add(p);
            if (t != null) bindings.add(t);
            if (baseUrl.get() == null) {
                baseUrl.set(t != null ? "https://" + domain + ":" + t.localAddress().getPort()
                        : p != null ? "http://" + settings.plain().iface() + ":" + p.localAddress().getPort() : null);
            }
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
