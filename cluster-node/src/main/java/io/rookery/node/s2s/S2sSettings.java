package io.rookery.node.s2s;

import com.typesafe.config.Config;
import io.rookery.node.config.RookerySettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** {@code rookery.s2s}: server-to-server streams (federation); every default is in reference.conf. */
public record S2sSettings(
        boolean enabled,
        RookerySettings.Listener starttls,
        RookerySettings.Listener directTls,
        boolean requireEncryption,
        boolean requireValidCertificates,
        boolean dialback,
        String trustStore,
        String trustStorePassword,
        Map<String, List<Target>> hosts,
        String dnsServer,
        Set<String> allowedDomains,
        Set<String> blockedDomains,
        Duration connectTimeout,
        Duration negotiationTimeout,
        Duration queueTimeout,
        Duration resendInterval,
        boolean bounceUnreachable,
        Duration retryInterval,
        int maxQueuedStanzas,
        int maxInboundStreams,
        int maxStanzaBytes,
        int maxOutboundBufferBytes,
        Duration idleTimeout,
        Duration keepaliveInterval) {

    /** Where a remote domain's servers listen: STARTTLS (RFC 6120 §4.9) or direct TLS (XEP-0368). */
    public record Target(String host, int port, boolean directTls) {
        /** {@code host:port}, or {@code tls:host:port} for direct TLS; IPv6 literals in brackets. */
        static Target parse(String s) {
            boolean tls = s.startsWith("tls:");
            String rest = tls ? s.substring(4) : s;
            int colon = rest.lastIndexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("rookery.s2s.hosts: want host:port, got " + s);
            String host = rest.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            return new Target(host, Integer.parseInt(rest.substring(colon + 1)), tls);
        }
    }

    public static S2sSettings from(Config root) {
        Config c = root.getConfig("rookery.s2s");
        Map<String, List<Target>> hosts = new LinkedHashMap<>();
        Config h = c.getConfig("hosts");
        for (String key : h.root().keySet()) {
            List<Target> targets = new ArrayList<>();
            for (String t : h.getStringList("\"" + key + "\"")) targets.add(Target.parse(t));
            hosts.put(key.toLowerCase(Locale.ROOT), List.copyOf(targets));
        }
        S2sSettings s = new S2sSettings(
                c.getBoolean("enabled"),
                listener(c.getConfig("starttls")),
                listener(c.getConfig("direct-tls")),
                c.getBoolean("require-encryption"),
                c.getBoolean("require-valid-certificates"),
                c.getBoolean("dialback"),
                c.getString("trust-store"),
                c.getString("trust-store-password"),
                Map.copyOf(hosts),
                c.getString("dns-server"),
                domains(c.getStringList("allowed-domains")),
                domains(c.getStringList("blocked-domains")),
                c.getDuration("connect-timeout"),
                c.getDuration("negotiation-timeout"),
                c.getDuration("queue-timeout"),
                c.getDuration("resend-interval"),
                c.getBoolean("bounce-unreachable"),
                c.getDuration("retry-interval"),
                c.getInt("max-queued-stanzas"),
                c.getInt("max-inbound-streams"),
                (int) c.getBytes("max-stanza-bytes").longValue(),
                (int) c.getBytes("max-outbound-buffer").longValue(),
                c.getDuration("idle-timeout"),
                c.getDuration("keepalive-interval"));
        s.check();
        return s;
    }

    private void check() {
        positive("connect-timeout", connectTimeout);
        positive("negotiation-timeout", negotiationTimeout);
        positive("queue-timeout", queueTimeout);
        positive("resend-interval", resendInterval);
        positive("retry-interval", retryInterval);
        positive("idle-timeout", idleTimeout);
        positive("keepalive-interval", keepaliveInterval);
        if (maxQueuedStanzas < 1 || maxQueuedStanzas > 1_000_000) {
            throw new IllegalArgumentException("rookery.s2s.max-queued-stanzas must be 1..1000000");
        }
        if (maxInboundStreams < 1) throw new IllegalArgumentException("rookery.s2s.max-inbound-streams must be >= 1");
        if (maxStanzaBytes < 10_000 || maxStanzaBytes > 64 << 20) {
            throw new IllegalArgumentException("rookery.s2s.max-stanza-bytes must be 10000 bytes..64 MiB");
        }
        if (maxOutboundBufferBytes < maxStanzaBytes) {
            throw new IllegalArgumentException("rookery.s2s.max-outbound-buffer must hold a stanza of max-stanza-bytes");
        }
        if (!dialback && !requireValidCertificates) {
            // Nothing would authenticate a peer without a valid certificate.
            throw new IllegalArgumentException("rookery.s2s: dialback = off needs require-valid-certificates = on");
        }
    }

    private static void positive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("rookery.s2s." + name + " must be > 0");
    }

    /** Whether stanzas may go to or come from that domain (the blocked list wins; an empty allowed list allows all). */
    public boolean permits(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        if (blockedDomains.contains(d)) return false;
        return allowedDomains.isEmpty() || allowedDomains.contains(d);
    }

    private static RookerySettings.Listener listener(Config l) {
        return new RookerySettings.Listener(l.getBoolean("enabled"), l.getString("interface"), l.getInt("port"));
    }

    private static Set<String> domains(List<String> list) {
        Set<String> out = new TreeSet<>();
        for (String d : list) out.add(d.toLowerCase(Locale.ROOT));
        return Set.copyOf(out);
    }
}
