package io.rookery.node.c2s;

import io.rookery.node.user.SessionProtocol;

import io.rookery.node.config.RookerySettings;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;

/** Binds a client listener: each accepted connection gets one {@link ConnectionStage} and one session actor. */
public final class C2sListener implements ConnectionStage.Context {
    private final ActorSystem<?> system;
    private final RookerySettings.C2sSettings settings;
    private final SSLContext sslContext;
    private final Sweeper sweeper;
    private final SessionServices services;
    private final AtomicLong sessionIds = new AtomicLong();
    private final Shaper shaper;

    public C2sListener(ActorSystem<?> system, RookerySettings.C2sSettings settings, SSLContext sslContext,
            Sweeper sweeper, SessionServices services) {
        this.system = system;
        this.settings = settings;
        this.sslContext = sslContext;
        this.sweeper = sweeper;
        this.services = services;
        this.shaper = settings.shaperBytesPerSecond() == 0 ? null
                : new Shaper(settings.shaperBytesPerSecond(), settings.shaperBurstBytes(), services.metrics());
    }

    public CompletionStage<Tcp.ServerBinding> bind(RookerySettings.Listener listener, boolean directTls) {
        // One immutable stage blueprint per listener; each connection materializes its own logic from it.
        Flow<ByteString, ByteString, NotUsed> perConnection = Flow.fromGraph(new ConnectionStage(this, directTls));
        return Tcp.get(system).bind(listener.iface(), listener.port())
                .to(Sink.foreach(connection -> connection.handleWith(perConnection, system)))
                .run(system);
    }

    @Override
    public int maxStanzaBytes() {
        return settings.maxStanzaBytes();
    }

    @Override
    public int maxStanzaBytesBeforeAuth() {
        return Math.min(settings.maxStanzaBytesBeforeAuth(), settings.maxStanzaBytes());
    }

    @Override
    public int maxOutboundBytes() {
        return settings.maxOutboundBufferBytes();
    }

    @Override
    public int establishedWindow() {
        return settings.inboundWindow();
    }

    @Override
    public Shaper shaper() {
        return shaper;
    }

    @Override
    public SSLContext sslContext() {
        return sslContext;
    }

    @Override
    public Sweeper sweeper() {
        return sweeper;
    }

    @Override
    public io.rookery.node.metrics.NodeMetrics metrics() {
        return services.metrics();
    }

    @Override
    public ActorRef<SessionProtocol.Message> spawnSession(org.apache.pekko.actor.ActorRef stage, SessionClock clock,
            boolean directTls) {
        // The typed guardian refuses top-level actors from outside; sessions live under /system, created at once.
        return system.systemActorOf(SessionActor.create(services, clock, clock, services.metrics().listener(directTls)),
                "c2s-" + sessionIds.incrementAndGet(), Props.empty());
    }
}
