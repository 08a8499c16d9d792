package io.rookery.node.ext.proxy65;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * {@code rookery.modules.proxy65}: the service's subdomain and name; the SOCKS5 listener's interface and port; the
 * host clients are told to connect to (empty: the interface, unless it is the wildcard, then the served domain);
 * how long a connection may wait for its stream's activation; how many connections the listener holds at once.
 */
record ProxySettings(String subdomain, String name, String iface, int port, String host, Duration pendingTimeout,
        int maxConnections) {
    private static final String PATH = "rookery.modules.proxy65.";

    static ProxySettings from(Config c) {
        String subdomain = io.rookery.node.ext.ServiceRequests.subdomain(c, PATH);
        int port = c.getInt("port");
        if (port < 0 || port > 65535) throw new ConfigException.BadValue(PATH + "port", "0 to 65535");
        Duration pending = c.getDuration("pending-timeout");
        if (pending.toSeconds() < 1 || pending.toMinutes() > 60) {
            throw new ConfigException.BadValue(PATH + "pending-timeout", "between 1 s and 1 h");
        }
        int max = c.getInt("max-connections");
        if (max < 2 || max > 1_000_000) throw new ConfigException.BadValue(PATH + "max-connections", "2 to 1000000");
        return new ProxySettings(subdomain, c.getString("name"), c.getString("interface"), port, c.getString("host"),
                pending, max);
    }

    /** What the stream host answer names: the configured host, else the interface, else the domain. */
    String advertisedHost(String domain) {
        if (!host.isEmpty()) return host;
        return iface.equals("0.0.0.0") || iface.equals("::") ? domain : iface;
    }
}
