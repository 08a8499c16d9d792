package io.rookery.node.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The node's metrics. Names follow Prometheus conventions ({@code _total} counters, base units, {@code xmpp_} for
 * protocol figures and {@code rookery_} for the node's own); labels take values from small fixed sets (listener,
 * stanza kind, mechanism, outcome, error condition), never JIDs. The data points used on hot paths are looked up once
 * here, so counting costs one atomic add.
 */
public final class NodeMetrics {
    /** Latency buckets from 0.1 ms to 10 s. */
    private static final double[] LATENCY_BOUNDS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final PrometheusRegistry registry = new PrometheusRegistry();

    /** The metrics of one client listener ({@code starttls}, {@code direct_tls} or {@code websocket}). */
    public final class Listener {
        private final GaugeDataPoint connections;
        private final GaugeDataPoint sessions;
        private final CounterDataPoint refusedUnauthenticated;
        private final String name;

        private Listener(String name) {
            this.name = name;
            connections = connectionsGauge.labelValues(name);
            sessions = sessionsGauge.labelValues(name);
            refusedUnauthenticated = connectionsRefused.labelValues(name, "unauthenticated-per-address");
        }

        /** The listener label: starttls, direct_tls, websocket, bosh. */
        public String name() {
            return name;
        }

        /** A connection refused because its address had rookery.c2s.max-unauthenticated-per-address open already. */
        public void refusedUnauthenticated() {
            refusedUnauthenticated.inc();
        }

        public void connectionOpened() {
            connections.inc();
        }

        public void connectionClosed() {
            connections.dec();
        }

        public void sessionEstablished() {
            sessions.inc();
        }

        public void sessionEnded() {
            sessions.dec();
        }
    }

    private final Gauge connectionsGauge = Gauge.builder().name("xmpp_c2s_connections")
            .help("Open client connections").labelNames("listener").register(registry);
    private final Gauge sessionsGauge = Gauge.builder().name("xmpp_c2s_sessions")
            .help("Client sessions with a bound resource").labelNames("listener").register(registry);
    private final Counter connectionsRefused = Counter.builder().name("xmpp_c2s_connections_refused_total")
            .help("Client connections refused at accept by listener and reason (unauthenticated-per-address: the"
                    + " address had as many connections without SASL open as allowed)")
            .labelNames("listener", "reason").register(registry);
    private final Counter tlsHandshakes = Counter.builder().name("xmpp_c2s_tls_handshakes_total")
            .help("TLS handshakes on client connections by outcome").labelNames("outcome").register(registry);
    private final Counter tlsRenegotiationsRefused = Counter.builder().name("xmpp_c2s_tls_renegotiations_refused_total")
            .help("Client connections closed for starting a TLS 1.2 renegotiation").register(registry);
    private final Counter c2sShaped = Counter.builder().name("xmpp_c2s_shaped_total")
            .help("Pauses in reading a client that sent faster than rookery.c2s.shaper allows").register(registry);
    private final Counter c2sOutputDropped = Counter.builder().name("xmpp_c2s_output_dropped_total")
            .help("Client connections closed because the client stopped reading: their queued output passed"
                    + " rookery.c2s.max-outbound-buffer-bytes").register(registry);
    private final Counter c2sHandedBack = Counter.builder().name("xmpp_c2s_messages_handed_back_total")
            .help("Messages a client connection ended before writing, routed to the account again (to another"
                    + " resource, offline storage or back to the sender)").register(registry);
    private final Gauge smDetached = Gauge.builder().name("xmpp_sm_sessions_detached")
            .help("XEP-0198 sessions whose connection is gone, waiting to be resumed (rookery.modules.sm."
                    + "max-resumption-time)").register(registry);
    private final Counter smResumptions = Counter.builder().name("xmpp_sm_resumptions_total")
            .help("XEP-0198 resumption attempts by outcome (resumed; recovered: from what the stream kept in"
                    + " Cassandra, its node having died; not-found: no such session in the cluster, or not the user's;"
                    + " refused: a count the session never sent)").labelNames("outcome")
            .register(registry);
    private final Counter smLostStreamsFlushed = Counter.builder().name("xmpp_sm_lost_streams_flushed_total")
            .help("XEP-0198 streams lost with their node that nobody resumed in time (or whose resource a fresh"
                    + " session bound): what their clients never acknowledged went back to the accounts")
            .register(registry);
    private final Counter smLostStreamMessages = Counter.builder().name("xmpp_sm_lost_stream_messages_total")
            .help("Messages those streams handed back to their accounts (delivered elsewhere or stored offline)")
            .register(registry);
    private final Counter smRepeatsDropped = Counter.builder().name("xmpp_sm_repeats_dropped_total")
            .help("Messages a stream resumed after its node died did not deliver again: its senders routed them again"
                    + " (their confirmation died with the node) but the stream had kept them already")
            .register(registry);
    private final Counter smConfirmationsRetried = Counter.builder().name("xmpp_sm_messages_routed_again_total")
            .help("Messages a client sent that were routed again because the recipient's account did not confirm"
                    + " them within rookery.modules.sm.ack-when-stored-timeout (lost with a node in flight)")
            .register(registry);
    private final Counter serverPings = Counter.builder().name("xmpp_c2s_server_pings_total")
            .help("XEP-0199 pings the server sent to silent clients (sent), and those left unanswered (timed-out)")
            .labelNames("outcome").register(registry);
    private final Counter saslAuth = Counter.builder().name("xmpp_sasl_auth_total")
            .help("SASL authentication attempts by mechanism and outcome").labelNames("mechanism", "outcome")
            .register(registry);
    private final Counter saslThrottled = Counter.builder().name("xmpp_sasl_throttled_total")
            .help("SASL attempts made to wait by the password-guessing throttle (phase attempt: before it was"
                    + " processed; answer: its failure answer held), by the count that asked for the wait (account or"
                    + " address)").labelNames("phase", "by").register(registry);
    private final Counter stanzasIn = Counter.builder().name("xmpp_stanzas_in_total")
            .help("Stanzas received from clients by kind").labelNames("kind").register(registry);
    private final Counter stanzasOut = Counter.builder().name("xmpp_stanzas_out_total")
            .help("Stanzas written to clients by kind").labelNames("kind").register(registry);
    private final Histogram routingLatency = Histogram.builder().name("xmpp_routing_latency_seconds")
            .help("From the router taking a stanza to the recipient's session writing it, across nodes (wall clock)")
            .classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
    private final Counter bouncedOverload = Counter.builder().name("xmpp_stanzas_bounced_overload_total")
            .help("Stanzas an overloaded account entity dropped (its stash was full, rookery.user.stash-capacity) and"
                    + " the node answered with resource-constraint, by kind").labelNames("kind").register(registry);
    private final Counter subscriptionRequestsLimited = Counter.builder()
            .name("xmpp_subscription_requests_limited_total")
            .help("Inbound subscription requests refused because the account keeps rookery.user."
                    + "max-pending-subscription-requests (reason=count), or kept without their payload (reason=size)")
            .labelNames("reason").register(registry);
    private final Counter rosterItemsRefused = Counter.builder().name("xmpp_roster_items_refused_total")
            .help("Roster sets and outbound subscriptions refused because the roster would pass "
                    + "rookery.user.max-roster-items or max-roster-bytes").register(registry);
    private final Counter saslLookupTimeouts = Counter.builder().name("xmpp_sasl_lookup_timeouts_total")
            .help("Logins answered temporary-auth-failure because the account's credentials did not arrive within "
                    + "rookery.c2s.account-lookup-timeout").register(registry);
    private final Counter parseBudgetRefused = Counter.builder().name("xmpp_c2s_parse_budget_refused_total")
            .help("Connections closed with resource-constraint because all connections' unfinished stanzas together "
                    + "held rookery.c2s.parse-budget").register(registry);
    private final Counter streamErrors = Counter.builder().name("xmpp_stream_errors_total")
            .help("Stream errors sent to clients by condition").labelNames("condition").register(registry);
    private final Histogram persistenceWrite = Histogram.builder().name("rookery_persistence_write_seconds")
            .help("From a user entity persisting events to the journal confirming them").classicOnly()
            .classicUpperBounds(LATENCY_BOUNDS).register(registry);
    private final Histogram persistenceRecovery = Histogram.builder().name("rookery_persistence_recovery_seconds")
            .help("From a user entity starting to its state being recovered").classicOnly()
            .classicUpperBounds(LATENCY_BOUNDS).register(registry);
    private final Counter persistenceFailures = Counter.builder().name("rookery_persistence_failures_total")
            .help("Journal writes and recoveries that failed").labelNames("kind").register(registry);
    private final Counter httpRefused = Counter.builder().name("rookery_http_requests_refused_total")
            .help("Requests the metrics and admin HTTP servers answered with 503, by server and reason (timeout: not"
                    + " answered within request-timeout; busy: no scrape worker free)")
            .labelNames("server", "reason").register(registry);
    private final Counter cassandraErrors = Counter.builder().name("rookery_cassandra_errors_total")
            .help("Cassandra requests of the node that failed, by operation").labelNames("operation")
            .register(registry);

    private final Listener starttls = new Listener("starttls");
    private final Listener directTls = new Listener("direct_tls");
    private final Listener webSocket = new Listener("websocket");
    private final Listener bosh = new Listener("bosh");
    private final CounterDataPoint tlsOk = tlsHandshakes.labelValues("success");
    private final CounterDataPoint tlsFailed = tlsHandshakes.labelValues("failure");
    private final CounterDataPoint messagesIn = stanzasIn.labelValues("message");
    private final CounterDataPoint presenceIn = stanzasIn.labelValues("presence");
    private final CounterDataPoint iqIn = stanzasIn.labelValues("iq");
    private final CounterDataPoint messagesOut = stanzasOut.labelValues("message");
    private final CounterDataPoint presenceOut = stanzasOut.labelValues("presence");
    private final CounterDataPoint iqOut = stanzasOut.labelValues("iq");
    private final DistributionDataPoint routing = routingLatency;
    private final CounterDataPoint bouncedMessages = bouncedOverload.labelValues("message");
    private final CounterDataPoint bouncedPresence = bouncedOverload.labelValues("presence");
    private final CounterDataPoint bouncedIq = bouncedOverload.labelValues("iq");

    public NodeMetrics() {
        JvmMetrics.builder().register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public Listener listener(boolean directTlsListener) {
        return directTlsListener ? directTls : starttls;
    }

    /** RFC 7395 connections, on whichever HTTP listener. */
    public Listener webSocketListener() {
        return webSocket;
    }

    /** XEP-0206 sessions (a connection each, whatever the HTTP requests that carry it), on whichever HTTP listener. */
    public Listener boshListener() {
        return bosh;
    }

    public void tlsHandshake(boolean ok) {
        (ok ? tlsOk : tlsFailed).inc();
    }

    public void c2sShaped() {
        c2sShaped.inc();
    }

    public void c2sOutputDropped() {
        c2sOutputDropped.inc();
    }

    /** A resumable session lost its connection (+1) or stopped waiting, resumed or ended (-1). */
    public void smDetached(int change) {
        smDetached.inc(change);
    }

    /** outcome: sent or timed-out. */
    public void serverPing(String outcome) {
        serverPings.labelValues(outcome).inc();
    }

    public void smLostStreamFlushed(int messages) {
        smLostStreamsFlushed.inc();
        smLostStreamMessages.inc(messages);
    }

    public void smRepeatDropped() {
        smRepeatsDropped.inc();
    }

    public void smConfirmationsRetried(int count) {
        smConfirmationsRetried.inc(count);
    }

    /** outcome: resumed, not-found or refused. */
    public void smResumption(String outcome) {
        smResumptions.labelValues(outcome).inc();
    }

    public void c2sMessagesHandedBack(int count) {
        c2sHandedBack.inc(count);
    }

    public void tlsRenegotiationRefused() {
        tlsRenegotiationsRefused.inc();
    }

    /** Mechanism names come from the advertised set only (others count as "other"). */
    public void saslAttempt(String mechanism, boolean ok) {
        saslAuth.labelValues(mechanism, ok ? "success" : "failure").inc();
    }

    /** phase: "attempt" or "answer"; byAccount: the account's failures asked for the wait, not the address's. */
    public void saslThrottled(String phase, boolean byAccount) {
        saslThrottled.labelValues(phase, byAccount ? "account" : "address").inc();
    }

    public void stanzaIn(String name) {
        kind(name, messagesIn, presenceIn, iqIn).inc();
    }

    public void stanzaOut(String name) {
        kind(name, messagesOut, presenceOut, iqOut).inc();
    }

    private static CounterDataPoint kind(String name, CounterDataPoint message, CounterDataPoint presence,
            CounterDataPoint iq) {
        return switch (name) {
            case "message" -> message;
            case "presence" -> presence;
            default -> iq;
        };
    }

    /** A stanza stamped by the router at {@code routedAtMicros} (epoch microseconds) reached its session. */
    public void routed(long routedAtMicros) {
        if (routedAtMicros <= 0) return;
        long micros = nowMicros() - routedAtMicros;
        if (micros >= 0) routing.observe(micros / 1_000_000.0);
    }

    /** Epoch microseconds: comparable across the nodes of a cluster as far as their clocks agree. */
    public static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** A stanza of this kind ("message", "presence" or "iq") bounced for an overloaded account entity. */
    public void bouncedOverload(String kind) {
        kind(kind, bouncedMessages, bouncedPresence, bouncedIq).inc();
    }

    /** An inbound subscription request refused ("count") or kept without its payload ("size"). */
    public void subscriptionRequestLimited(String reason) {
        subscriptionRequestsLimited.labelValues(reason).inc();
    }

    /** A roster item refused: the roster is full. */
    public void rosterItemRefused() {
        rosterItemsRefused.inc();
    }

    /** A login whose credentials lookup timed out. */
    public void saslLookupTimeout() {
        saslLookupTimeouts.inc();
    }

    /** A connection closed because the node's parse budget was spent. */
    public void parseBudgetRefused() {
        parseBudgetRefused.inc();
    }

    public void streamError(String condition) {
        streamErrors.labelValues(condition).inc();
    }

    public void persisted(long startedNanos) {
        persistenceWrite.observe((System.nanoTime() - startedNanos) / 1e9);
    }

    public void recovered(long startedNanos) {
        persistenceRecovery.observe((System.nanoTime() - startedNanos) / 1e9);
    }

    /** kind: "write" or "recovery". */
    public void persistenceFailed(String kind) {
        persistenceFailures.labelValues(kind).inc();
        cassandraErrors.labelValues("journal-" + kind).inc();
    }

    /** server: "metrics" or "admin"; reason: "timeout" or "busy". */
    public void httpRequestRefused(String server, String reason) {
        httpRefused.labelValues(server, reason).inc();
    }

    public void cassandraError(String operation) {
        cassandraErrors.labelValues(operation).inc();
    }

    /** A metric whose value is read when scraped (cluster membership, shards). */
    public void gauge(String name, String help, String label,
            java.util.function.Consumer<io.prometheus.metrics.core.metrics.GaugeWithCallback.Callback> callback) {
        var b = io.prometheus.metrics.core.metrics.GaugeWithCallback.builder().name(name).help(help).callback(callback);
        if (label != null) b.labelNames(label);
        b.register(registry);
    }
}
