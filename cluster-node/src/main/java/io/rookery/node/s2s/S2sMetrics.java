package io.rookery.node.s2s;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The federation's metrics: streams open and stanzas that crossed them. */
final class S2sMetrics {
    private final Gauge inbound;
    private final Counter stanzas;
    private final io.prometheus.metrics.core.datapoints.CounterDataPoint in;
    private final io.prometheus.metrics.core.datapoints.CounterDataPoint out;

    S2sMetrics(PrometheusRegistry registry) {
        inbound = Gauge.builder().name("xmpp_s2s_inbound_streams")
                .help("Streams remote servers opened to this node").register(registry);
        stanzas = Counter.builder().name("xmpp_s2s_stanzas_total")
                .help("Stanzas received from (in) and written to (out) remote servers on this node")
                .labelNames("direction").register(registry);
        refused = Counter.builder().name("xmpp_s2s_inbound_refused_total")
                .help("Connections from remote servers closed at accept: rookery.s2s.max-inbound-streams were open")
                .register(registry);
        in = stanzas.labelValues("in");
        out = stanzas.labelValues("out");
    }

    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    private final Counter refused;

    /** A connection from a remote server may start a stream: false when {@code max} are open already. */
    boolean tryOpenInbound(int max) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            refused.inc();
            return false;
        }
        inbound.inc();
        return true;
    }

    void inboundClosed() {
        open.decrementAndGet();
        inbound.dec();
    }

    void stanzaIn() {
        in.inc();
    }

    void stanzaOut(int n) {
        out.inc(n);
    }
}
