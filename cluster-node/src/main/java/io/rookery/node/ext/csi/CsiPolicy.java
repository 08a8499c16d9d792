package io.rookery.node.ext.csi;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rookery.node.ext.ClientStatePolicy;
import io.rookery.protocol.xep.csi.Csi;
import io.rookery.protocol.xml.Element;

/** XEP-0352 as the core's {@link ClientStatePolicy}: the state elements, a {@link HeldStanzas} per inactive stream. */
final class CsiPolicy implements ClientStatePolicy {
    static final String URGENT = "urgent";
    static final String LIMIT = "limit";
    static final String ACTIVE = "active";
    static final String DETACHED = "detached";
    static final String ENDED = "ended";

    private final int maxHeld;
    private final Counter held;
    private final Counter coalesced;
    private final Counter flushes;
    private final Counter flushed;
    private final Counter indications;

    CsiPolicy(int maxHeld, PrometheusRegistry registry) {
        this.maxHeld = maxHeld;
        this.held = Counter.builder().name("xmpp_csi_stanzas_held_total")
                .help("Stanzas for inactive clients held back (XEP-0352)").register(registry);
        this.coalesced = Counter.builder().name("xmpp_csi_stanzas_coalesced_total")
                .help("Held presence and chat states replaced by a later one from the same sender, never written")
                .register(registry);
        this.flushes = Counter.builder().name("xmpp_csi_flushes_total")
                .help("Times held stanzas were let go, by reason (urgent, limit, active, detached, ended)")
                .labelNames("reason").register(registry);
        this.flushed = Counter.builder().name("xmpp_csi_stanzas_flushed_total")
                .help("Held stanzas let go, by reason (ended: handed back to the account, presence dropped)")
                .labelNames("reason").register(registry);
        this.indications = Counter.builder().name("xmpp_csi_inactive_total")
                .help("Clients that said they are inactive").register(registry);
    }

    @Override
    public String namespace() {
        return Csi.NS;
    }

    @Override
    public Boolean inactive(Element e) {
        return Csi.inactive(e);
    }

    @Override
    public Holding holding() {
        indications.inc();
        return new HeldStanzas(this);
    }

    int maxHeld() {
        return maxHeld;
    }

    void held() {
        held.inc();
    }

    void coalesced() {
        coalesced.inc();
    }

    void flushed(String reason, int count) {
        flushes.labelValues(reason).inc();
        flushed.labelValues(reason).inc(count);
    }
}
