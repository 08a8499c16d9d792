package io.rookery.node.component;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import io.rookery.protocol.jid.Jid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/** {@code rookery.components}: XEP-0114 external components; every default is in reference.conf. */
public record ComponentSettings(
        boolean enabled,
        String iface,
        int port,
        Map<String, String> secrets,
        int maxStanzaBytes,
        int maxOutboundBufferBytes,
        Duration negotiationTimeout) {

    /** The settings, with each secret read from where its domain says (the environment through {@code env}). */
    public static ComponentSettings from(Config root, UnaryOperator<String> env) {
        Config c = root.getConfig("rookery.components");
        Map<String, String> secrets = new TreeMap<>();
        ConfigObject domains = c.getObject("domains");
        for (Map.Entry<String, ConfigValue> e : domains.entrySet()) {
            String domain = domain(e.getKey());
            if (!(e.getValue() instanceof ConfigObject o)) {
                throw new IllegalArgumentException("rookery.components.domains.\"" + e.getKey()
                        + "\" must be an object with secret, secret-file or secret-env");
            }
            secrets.put(domain, secret(domain, o.toConfig(), env));
        }
        ComponentSettings s = new ComponentSettings(
                c.getBoolean("enabled"),
                c.getString("interface"),
                c.getInt("port"),
                Map.copyOf(secrets),
                (int) c.getBytes("max-stanza-bytes").longValue(),
                (int) c.getBytes("max-outbound-buffer").longValue(),
                c.getDuration("negotiation-timeout"));
        s.check();
        return s;
    }

    public static ComponentSettings from(Config root) {
        return from(root, System::getenv);
    }

    private static String secret(String domain, Config d, UnaryOperator<String> env) {
        String where = "rookery.components.domains.\"" + domain + "\"";
        int given = (d.hasPath("secret") ? 1 : 0) + (d.hasPath("secret-file") ? 1 : 0)
                + (d.hasPath("secret-env") ? 1 : 0);
        if (given != 1) throw new IllegalArgumentException(where + ": give exactly one of secret, secret-file, secret-env");
        String secret;
        if (d.hasPath("secret")) {
            secret = d.getString("secret");
        } else if (d.hasPath("secret-file")) {
            try {
                secret = Files.readString(Path.of(d.getString("secret-file")), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException(where + ".secret-file cannot be read: " + e.getMessage(), e);
            }
        } else {
            secret = env.apply(d.getString("secret-env"));
            if (secret == null) {
                throw new IllegalArgumentException(where + ": environment variable " + d.getString("secret-env")
                        + " is not set");
            }
        }
        if (secret.isEmpty()) throw new IllegalArgumentException(where + ": the secret is empty");
        return secret;
    }

    private void check() {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("rookery.components.port must be 0..65535");
        if (negotiationTimeout.isNegative() || negotiationTimeout.isZero()) {
            throw new IllegalArgumentException("rookery.components.negotiation-timeout must be > 0");
        }
        if (maxStanzaBytes < 10_000 || maxStanzaBytes > 64 << 20) {
            throw new IllegalArgumentException("rookery.components.max-stanza-bytes must be 10000 bytes..64 MiB");
        }
        if (maxOutboundBufferBytes < maxStanzaBytes) {
            throw new IllegalArgumentException(
                    "rookery.components.max-outbound-buffer must hold a stanza of max-stanza-bytes");
        }
    }

    /** The domain as JIDs carry it (lower case, IDNA), so that routing and the stream header compare equal. */
    private static String domain(String key) {
        Jid jid = Jid.parseOrNull(key);
        if (jid == null || jid.local() != null || jid.resource() != null) {
            throw new IllegalArgumentException("rookery.components.domains: " + key + " is not a domain");
        }
        return jid.domain();
    }

    /** The secret of a configured component domain, or null. */
    public String secretOf(String domain) {
        return secrets.get(domain);
    }

    /** Secrets stay out of logs and exceptions. */
    @Override
    public String toString() {
        return "ComponentSettings[enabled=" + enabled + ", iface=" + iface + ", port=" + port + ", domains="
                + secrets.keySet() + "]";
    }
}
