package io.rookery.node.c2s;

import com.typesafe.config.ConfigFactory;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.rookery.node.config.RookerySettings;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.user.SessionProtocol;
import javax.net.ssl.SSLContext;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A connection stage's listener parts for a test that runs the stage alone: the reference settings, one session
 * given beforehand, and the TLS context and shaper the test chooses (either may be null). The clock of each stage
 * that asks for its session is kept in {@link #clocks}; a test overrides a method for another setting.
 */
class TestStageContext implements ConnectionStage.Context {
    /** The clocks of the stages that asked for a session, in order. */
    final java.util.concurrent.BlockingQueue<SessionClock> clocks = new java.util.concurrent.LinkedBlockingQueue<>();
    private final RookerySettings.C2sSettings c2s = RookerySettings.from(ConfigFactory.load()).c2s();
    private final Sweeper sweeper = new Sweeper(c2s);
    private final NodeMetrics metrics;
    private final ActorRef<SessionProtocol.Message> session;
    private final SSLContext ssl;
    private final Shaper shaper;

    TestStageContext(NodeMetrics metrics, ActorRef<SessionProtocol.Message> session, SSLContext ssl, Shaper shaper) {
        this.metrics = metrics;
        this.session = session;
        this.ssl = ssl;
        this.shaper = shaper;
    }

    @Override public int maxStanzaBytes() { return c2s.maxStanzaBytes(); }

    @Override public int maxOutboundBytes() { return c2s.maxOutboundBufferBytes(); }

    @Override public int establishedWindow() { return c2s.inboundWindow(); }

    @Override public SSLContext sslContext() { return ssl; }

    @Override public Sweeper sweeper() { return sweeper; }

    @Override
    public ActorRef<SessionProtocol.Message> spawnSession(org.apache.pekko.actor.ActorRef stage, SessionClock clock,
            boolean directTls) {
        clocks.add(clock);
        return session;
    }

    @Override public NodeMetrics metrics() { return metrics; }

    @Override public Shaper shaper() { return shaper; }

    @Override public void unauthenticatedEnded(long address) {}

    /** A counter's value summed over its labels; counters are named without {@code _total} in snapshots. */
    static double counter(NodeMetrics metrics, String name) {
        double sum = 0;
        for (MetricSnapshot s : metrics.registry().scrape()) {
            if (s.getMetadata().getName().equals(name) && s instanceof CounterSnapshot c) {
                for (var p : c.getDataPoints()) sum += p.getValue();
            }
        }
        return sum;
    }
}
