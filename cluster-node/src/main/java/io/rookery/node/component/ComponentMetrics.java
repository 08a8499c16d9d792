package io.rookery.node.component;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** XEP-0114 components' metrics on this node: connections, handshakes by outcome, stanzas both ways. */
final class ComponentMetrics {
    private final Gauge connections;
    private final Counter handshakes;
    private final CounterDataPoint in;
    private final CounterDataPoint out;
    private final Counter unavailable;

    ComponentMetrics(PrometheusRegistry registry) {
        connections = Gauge.builder().name("xmpp_component_connections")
                .help("Components connected to this node with a successful handshake").register(registry);
        handshakes = Counter.builder().name("xmpp_component_handshakes_total")
                .help("Component streams by outcome: accepted, not-authorized (wrong secret), host-unknown "
                        + "(unconfigured domain), conflict (domain already connected), connection-timeout")
                .labelNames("outcome").register(registry);
        Counter stanzas = Counter.builder().name("xmpp_component_stanzas_total")
                .help("Stanzas received from (in) and written to (out) components on this node")
                .labelNames("direction").register(registry);
        in = stanzas.labelValues("in");
        out = stanzas.labelValues("out");
        unavailable = Counter.builder().name("xmpp_component_unavailable_total")
                .help("Stanzas routed to a component domain while no component of it was connected").register(registry);
    }

    void connected() {
        connections.inc();
    }

    void disconnected() {
        connections.dec();
    }

    void handshake(String outcome) {
        handshakes.labelValues(outcome).inc();
    }

    void stanzaIn() {
        in.inc();
    }

    void stanzaOut() {
        out.inc();
    }

    void unavailable() {
        unavailable.inc();
    }
}
