package io.rookery.node.config;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The `rookery` configuration, read once at start and checked for bounds. */
public record RookerySettings(
        String domain,
        Path dataDir,
        C2sSettings c2s,
        TlsSettings tls,
        int scramIterations,
        boolean registrationEnabled,
        Duration userPassivateAfter,
        int userStashCapacity,
        CassandraSettings cassandra,
        ClusterSettings cluster,
        boolean managementEnabled,
        MetricsSettings metrics,
        AdminSettings admin,
        HttpSettings http) {

    public record ClusterSettings(boolean bootstrap, java.time.Duration lostSessionsDelay,
            java.time.Duration onlineSessionsFlush) {}

    public record Listener(boolean enabled, String iface, int port) {}

    public record C2sSettings(
            Listener starttls,
            Listener directTls,
            boolean requireTls,
            boolean allowPlainWithoutTls,
            boolean offerChannelBinding,
            int maxStanzaBytes,
            int maxStanzaBytesBeforeAuth,
            int maxAttributesPerElement,
            int maxNamespaceDeclarationsPerElement,
            int maxOutboundBufferBytes,
            Duration negotiationTimeout,
            Duration idleTimeout,
            Duration whitespaceKeepalive,
            Duration sweepInterval,
            int maxAuthFailures,
            int inboundWindow,
            long shaperBytesPerSecond,
            long shaperBurstBytes,
            int maxUnauthenticatedPerAddress,
            AuthThrottleSettings authThrottle,
            long parseBudgetBytes,
            Duration accountLookupTimeout,
            int ioThreads,
            int acceptBacklog,
            Duration closeTimeout,
            Duration pingAfter,
            Duration pingTimeout,
            int maxDirectedPresences) {}

    /**
     * {@code rookery.c2s.auth-throttle}: failed SASL attempts per account and per client address beyond
     * freeFailures make the next answers wait baseDelay, doubling per failure up to maxDelay; the counts halve every
     * halfLife; at most maxEntries accounts and addresses are tracked. A zero baseDelay switches the throttle off.
     */
    public record AuthThrottleSettings(int freeFailures, Duration baseDelay, Duration maxDelay, Duration halfLife,
            int maxEntries) {
        public boolean enabled() {
            return !baseDelay.isZero();
        }
    }

    public record TlsSettings(String keystore, String keystorePassword) {}

    public record CassandraSettings(
            boolean embedded,
            int embeddedCqlPort,
            int embeddedHeapMb,
            Duration embeddedStartupTimeout,
            List<String> contactPoints,
            String datacenter,
            String username,
            String password,
            String keyspace,
            String replication,
            boolean applySchema) {
        /** Never prints the password. */
        @Override
        public String toString() {
            return "CassandraSettings[contactPoints=" + contactPoints + ", datacenter=" + datacenter + ", username="
                    + username + ", keyspace=" + keyspace + ", embedded=" + embedded + "]";
        }
    }

    /**
     * Limits of one of the node's HTTP servers (metrics, admin): a connection passing no bytes either way for
     * idleTimeout is closed (a request stalled half-way included), a request not answered in requestTimeout gets 503,
     * and at most maxConnections are open at once.
     */
    public record HttpLimits(Duration idleTimeout, Duration requestTimeout, int maxConnections) {}

    /** workers: threads that produce scrapes. */
    public record MetricsSettings(boolean enabled, String iface, int port, HttpLimits limits, int workers) {}

    public record AdminSettings(String iface, int port, Path tokenFile, HttpLimits limits) {}

    /**
     * {@code rookery.http}: the listeners web clients reach the node on. plain: HTTP, on loopback unless
     * plainOnAnyInterface (a TLS-terminating proxy in front); either way its sessions count as under TLS (a WebSocket
     * cannot start TLS). tls: HTTPS with the c2s certificate. webSocketPath: RFC 7395's endpoint; allowedOrigins: the
     * Origin headers a WebSocket upgrade or BOSH request may carry (empty: any); webSocketKeepalive: how long a WebSocket may pass nothing before
     * the node pings it (pekko-http's idle timeout would otherwise close it). publicUrl: the http(s) URL clients
     * reach the listeners at (XEP-0156 links), empty: the one a request was made to.
     */
    public record HttpSettings(boolean enabled, Listener plain, Listener tls, boolean plainOnAnyInterface,
            String publicUrl, HttpLimits limits, String webSocketPath, List<String> allowedOrigins,
            Duration webSocketKeepalive, BoshSettings bosh) {}

    /**
     * {@code rookery.http.bosh} (XEP-0124/0206): the endpoint's path; the longest a request is held (a client's wait
     * is cut to it) and the most requests held at once (a client's hold is cut to it; requests = hold + 1); how long
     * a session may have no request before it ends, and the longest pause a client may ask for; the shortest polling
     * interval; what a session buffers for a client that has no request held before it stops reading its stream.
     */
    public record BoshSettings(String path, Duration maxWait, int maxHold, Duration inactivity, Duration maxPause,
            Duration polling, int maxBufferedBytes) {}

    /** {@code rookery.c2s.channel-binding}: off, or the one type a JDK 17 server can compute. */
    private static boolean channelBinding(String value) {
        return switch (value) {
            case "off" -> false;
            case "tls-server-end-point" -> true;
            default -> throw new com.typesafe.config.ConfigException.BadValue("rookery.c2s.channel-binding",
                    "must be off or tls-server-end-point, not " + value);
        };
    }

    public static RookerySettings from(Config root) {
        Config c = root.getConfig("rookery");
        Config c2s = c.getConfig("c2s");
        Config cas = c.getConfig("cassandra");
        RookerySettings s = new RookerySettings(
                c.getString("domain").toLowerCase(java.util.Locale.ROOT),
                Path.of(c.getString("data-dir")),
                new C2sSettings(
                        listener(c2s.getConfig("starttls")),
                        listener(c2s.getConfig("direct-tls")),
                        c2s.getBoolean("require-tls"),
                        c2s.getBoolean("allow-plain-without-tls"),
                        channelBinding(c2s.getString("channel-binding")),
                        bytes(c2s, "max-stanza-bytes", 1024, 64 << 20),
                        bytes(c2s, "max-stanza-bytes-before-auth", 1024, 64 << 20),
                        range(c2s.getInt("max-attributes-per-element"), 1, 10_000,
                                "rookery.c2s.max-attributes-per-element"),
                        range(c2s.getInt("max-namespace-declarations-per-element"), 1, 10_000,
                                "rookery.c2s.max-namespace-declarations-per-element"),
                        bytes(c2s, "max-outbound-buffer-bytes", 16 << 10, 1 << 30),
                        c2s.getDuration("negotiation-timeout"),
                        c2s.getDuration("idle-timeout"),
                        c2s.getDuration("whitespace-keepalive"),
                        c2s.getDuration("sweep-interval"),
                        range(c2s.getInt("max-auth-failures"), 1, 10, "rookery.c2s.max-auth-failures"),
                        range(c2s.getInt("inbound-window"), 1, 1024, "rookery.c2s.inbound-window"),
                        range(c2s.getBytes("shaper.rate"), 0, 1L << 30, "rookery.c2s.shaper.rate"),
                        range(c2s.getBytes("shaper.burst"), 1024, 64L << 20, "rookery.c2s.shaper.burst"),
                        range(c2s.getInt("max-unauthenticated-per-address"), 0, 1_000_000,
                                "rookery.c2s.max-unauthenticated-per-address"),
                        authThrottle(c2s.getConfig("auth-throttle"), c2s.getDuration("negotiation-timeout")),
                        range(c2s.getBytes("parse-budget"), 0, 1L << 40, "rookery.c2s.parse-budget"),
                        durationRange(c2s.getDuration("account-lookup-timeout"), Duration.ofMillis(100),
                                Duration.ofMinutes(5), "rookery.c2s.account-lookup-timeout"),
                        range(c2s.getInt("io-threads"), 1, 64, "rookery.c2s.io-threads"),
                        range(c2s.getInt("accept-backlog"), 1, 65535, "rookery.c2s.accept-backlog"),
                        durationRange(c2s.getDuration("close-timeout"), Duration.ofMillis(100),
                                Duration.ofMinutes(5), "rookery.c2s.close-timeout"),
                        c2s.getDuration("ping-after").isZero() ? Duration.ZERO
                                : durationRange(c2s.getDuration("ping-after"), Duration.ofSeconds(1),
                                        Duration.ofDays(1), "rookery.c2s.ping-after"),
                        durationRange(c2s.getDuration("ping-timeout"), Duration.ofSeconds(1), Duration.ofMinutes(10),
                                "rookery.c2s.ping-timeout"),
                        range(c2s.getInt("max-directed-presences"), 1, 100_000,
                                "rookery.c2s.max-directed-presences")),
                new TlsSettings(c.getString("tls.keystore"), c.getString("tls.keystore-password")),
                range(c.getInt("auth.scram-iterations"), 4096, 1_000_000, "rookery.auth.scram-iterations"),
                c.getBoolean("registration.enabled"),
                c.getDuration("user.passivate-after"),
                range(c.getInt("user.stash-capacity"), 16, 1_000_000, "rookery.user.stash-capacity"),
                new CassandraSettings(
                        cas.getBoolean("embedded.enabled"),
                        range(cas.getInt("embedded.cql-port"), 0, 65535, "rookery.cassandra.embedded.cql-port"),
                        range(cas.getInt("embedded.heap-mb"), 256, 65536, "rookery.cassandra.embedded.heap-mb"),
                        cas.getDuration("embedded.startup-timeout"),
                        contactPoints(cas),
                        cas.getString("datacenter"),
                        cas.getString("username"),
                        cas.getString("password"),
                        cas.getString("keyspace"),
                        cas.getString("replication"),
                        cas.getBoolean("apply-schema")),
                new ClusterSettings(c.getBoolean("cluster.bootstrap"), c.getDuration("cluster.lost-sessions-delay"),
                        durationRange(c.getDuration("cluster.online-sessions-flush-interval"), Duration.ofMillis(1),
                                Duration.ofSeconds(10), "rookery.cluster.online-sessions-flush-interval")),
                c.getBoolean("management.enabled"),
                metrics(c.getConfig("metrics")),
                new AdminSettings(c.getString("admin.interface"),
                        range(c.getInt("admin.port"), 0, 65535, "rookery.admin.port"),
                        Path.of(c.getString("admin.token-file")),
                        httpLimits(c.getConfig("admin"), "rookery.admin")),
                http(c.getConfig("http")));
        if (!s.keyspaceValid()) throw new IllegalArgumentException("rookery.cassandra.keyspace is not a valid name");
        if (s.c2s.sweepInterval().isNegative() || s.c2s.sweepInterval().isZero()) {
            throw new IllegalArgumentException("rookery.c2s.sweep-interval must be positive");
        }
        return s;
    }

    private boolean keyspaceValid() {
        return cassandra.keyspace().matches("[a-z_][a-z0-9_]{0,47}");
    }

    private static List<String> contactPoints(Config cas) {
        // The environment override arrives as one comma-separated string.
        if (cas.getValue("contact-points").valueType() == com.typesafe.config.ConfigValueType.STRING) {
            return List.of(cas.getString("contact-points").split("\\s*,\\s*"));
        }
        return cas.getStringList("contact-points");
    }

    private static Listener listener(Config l) {
        return new Listener(l.getBoolean("enabled"), l.getString("interface"),
                range(l.getInt("port"), 0, 65535, "port"));
    }

    private static AuthThrottleSettings authThrottle(Config t, Duration negotiationTimeout) {
        String name = "rookery.c2s.auth-throttle";
        Duration base = t.getDuration("base-delay");
        Duration max = t.getDuration("max-delay");
        if (base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException(name + ".max-delay must be at least base-delay, and both >= 0");
        }
        // The right password must still get through while an account is throttled: a wait as long as the
        // negotiation timeout would let the sweep close every stream before its attempt is processed.
        if (max.compareTo(negotiationTimeout.dividedBy(2)) > 0) {
            throw new IllegalArgumentException(
                    name + ".max-delay must be at most half of rookery.c2s.negotiation-timeout");
        }
        return new AuthThrottleSettings(range(t.getInt("free-failures"), 0, 1000, name + ".free-failures"), base, max,
                positive(t.getDuration("half-life"), name + ".half-life"),
                range(t.getInt("max-entries"), 16, 10_000_000, name + ".max-entries"));
    }

    private static MetricsSettings metrics(Config m) {
        Listener l = listener(m);
        return new MetricsSettings(l.enabled(), l.iface(), l.port(), httpLimits(m, "rookery.metrics"),
                range(m.getInt("workers"), 1, 16, "rookery.metrics.workers"));
    }

    private static HttpLimits httpLimits(Config c, String name) {
        return httpLimits(c, name, 4096);
    }

    private static HttpLimits httpLimits(Config c, String name, int maxConnections) {
        return new HttpLimits(positive(c.getDuration("idle-timeout"), name + ".idle-timeout"),
                positive(c.getDuration("request-timeout"), name + ".request-timeout"),
                range(c.getInt("max-connections"), 1, maxConnections, name + ".max-connections"));
    }

    private static HttpSettings http(Config h) {
        Listener plain = listener(h.getConfig("plain"));
        boolean anyInterface = h.getBoolean("plain-on-any-interface");
        if (h.getBoolean("enabled") && plain.enabled() && !anyInterface && !loopback(plain.iface())) {
            throw new IllegalArgumentException("rookery.http.plain.interface must be a loopback address (plain HTTP "
                    + "carries passwords in clear) unless rookery.http.plain-on-any-interface = on");
        }
        String path = h.getString("websocket.path");
        if (!path.matches("/[A-Za-z0-9._~/-]*")) {
            throw new IllegalArgumentException("rookery.http.websocket.path must be an absolute path");
        }
        Duration keepalive = durationRange(h.getDuration("websocket.keepalive"), Duration.ofSeconds(1),
                Duration.ofHours(1), "rookery.http.websocket.keepalive");
        HttpLimits limits = httpLimits(h, "rookery.http", 10_000_000);
        if (keepalive.compareTo(limits.idleTimeout()) >= 0) {
            throw new IllegalArgumentException("rookery.http.websocket.keepalive must be shorter than "
                    + "rookery.http.idle-timeout");
        }
        String publicUrl = h.getString("public-url");
        if (!publicUrl.isEmpty() && !publicUrl.matches("https?://[^/?#\\s]+/?")) {
            throw new IllegalArgumentException("rookery.http.public-url must be http(s)://host[:port], not " + publicUrl);
        }
        return new HttpSettings(h.getBoolean("enabled"), plain, listener(h.getConfig("tls")), anyInterface, publicUrl,
                limits, path, List.copyOf(h.getStringList("allowed-origins")), keepalive, bosh(h.getConfig("bosh"),
                        limits));
    }

    private static BoshSettings bosh(Config b, HttpLimits limits) {
        String path = b.getString("path");
        if (!path.matches("/[A-Za-z0-9._~/-]+")) {
            throw new IllegalArgumentException("rookery.http.bosh.path must be an absolute path");
        }
        Duration maxWait = durationRange(b.getDuration("max-wait"), Duration.ofSeconds(1), Duration.ofMinutes(10),
                "rookery.http.bosh.max-wait");
        if (maxWait.compareTo(limits.idleTimeout()) >= 0) {
            throw new IllegalArgumentException("rookery.http.bosh.max-wait must be shorter than rookery.http.idle-timeout");
        }
        Duration inactivity = durationRange(b.getDuration("inactivity"), Duration.ofSeconds(1), Duration.ofHours(1),
                "rookery.http.bosh.inactivity");
        Duration maxPause = durationRange(b.getDuration("max-pause"), Duration.ZERO, Duration.ofHours(1),
                "rookery.http.bosh.max-pause");
        Duration polling = durationRange(b.getDuration("polling"), Duration.ZERO, Duration.ofMinutes(1),
                "rookery.http.bosh.polling");
        return new BoshSettings(path, maxWait, range(b.getInt("max-hold"), 1, 10, "rookery.http.bosh.max-hold"),
                inactivity, maxPause, polling, (int) range(b.getBytes("max-buffered"), 4096, 64 << 20,
                        "rookery.http.bosh.max-buffered"));
    }

    private static boolean loopback(String iface) {
        try {
            return java.net.InetAddress.getByName(iface).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static Duration positive(Duration d, String name) {
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
        return d;
    }

    private static int bytes(Config c, String path, int min, int max) {
        long v = c.getBytes(path);
        if (v < min || v > max) {
            throw new IllegalArgumentException("rookery.c2s." + path + " must be between " + min + " and " + max);
        }
        return (int) v;
    }

    private static long range(long v, long min, long max, String name) {
        if (v < min || v > max) throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
        return v;
    }

    private static int range(int v, int min, int max, String name) {
        if (v < min || v > max) throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
        return v;
    }

    private static Duration durationRange(Duration d, Duration min, Duration max, String path) {
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new com.typesafe.config.ConfigException.BadValue(path, "must be between " + min + " and " + max);
        }
        return d;
    }
}
