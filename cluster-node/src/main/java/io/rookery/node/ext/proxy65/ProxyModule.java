package io.rookery.node.ext.proxy65;

import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;

/**
 * XEP-0065's proxy on {@code <subdomain>.<domain>}: each node binds a SOCKS5 listener when the service starts and
 * names it as the stream host to the clients connected to it; streams are joined on that node.
 */
public final class ProxyModule implements XmppModule {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProxyModule.class);

    @Override
    public void declare(ModuleContext context, Declarations d) {
        ProxySettings settings = ProxySettings.from(context.config());
        String domain = settings.subdomain() + "." + context.domain();
        d.implementsXep(Xep.xep(65, "1.8.2", "a SOCKS5 bytestreams proxy on " + domain + " (module `proxy65`)"))
                .service(domain, settings.name(), ctx -> {
                    Pairings pairings = new Pairings(settings.maxConnections());
                    var system = ctx.system();
                    Materializer mat = Materializer.matFromSystem(system);
                    Flow<org.apache.pekko.util.ByteString, org.apache.pekko.util.ByteString, ?> handler =
                            Flow.fromGraph(new Socks5Stage(pairings, settings.pendingTimeout()));
                    Tcp.ServerBinding binding;
                    try {
                        binding = Tcp.get(system).bind(settings.iface(), settings.port())
                                .to(Sink.foreach(c -> c.handleWith(handler, mat))).run(mat)
                                .toCompletableFuture().get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("the SOCKS5 proxy could not listen on " + settings.iface()
                                + ":" + settings.port(), e);
                    }
                    InetSocketAddress bound = binding.localAddress();
                    CoordinatedShutdown.get(Adapter.toClassic(system)).addTask(
                            CoordinatedShutdown.PhaseServiceUnbind(), "unbind-proxy65",
                            () -> binding.unbind().thenApply(v -> Done.getInstance()));
                    String host = settings.advertisedHost(context.domain());
                    LOG.info("proxy65-listening address={}:{} host={}", settings.iface(), bound.getPort(), host);
                    return new ProxyService(pairings, ctx.router(), context.domain(), domain, settings.name(), host,
                            bound.getPort());
                });
    }
}
