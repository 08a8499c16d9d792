package io.rookery.node.auth;

import com.typesafe.config.Config;
import io.rookery.protocol.sasl.jwt.JwtVerifier;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code rookery.auth.jwt} and {@code rookery.auth.callout}: logins whose accounts a platform keeps (see
 * {@link PlatformLogins}). Both are off by default; read once at start, and anything unsafe or unbounded refuses the
 * start rather than running half-configured.
 */
public record PlatformLoginSettings(Jwt jwt, Callout callout) {

    /**
     * A JWT (OAUTHBEARER) login: keys from jwksFile and/or jwksUrl (the URL read again every refreshInterval),
     * HS256 only with hmacSecretFile; issuer empty: any; the identity in jidClaim.
     */
    public record Jwt(boolean enabled, String jwksFile, String jwksUrl, Duration refreshInterval, Duration fetchTimeout,
            String hmacSecretFile, String issuer, String audience, String jidClaim, Duration clockSkew,
            Set<String> algorithms, boolean createAccounts) {}

    /** The HTTP callout for PLAIN: url empty is off; cacheTtl zero or cacheSize zero: nothing cached. */
    public record Callout(String url, Duration timeout, Duration cacheTtl, int cacheSize, boolean createAccounts) {
        public boolean enabled() {
            return !url.isEmpty();
        }
    }

    public static final PlatformLoginSettings OFF = new PlatformLoginSettings(
            new Jwt(false, "", "", Duration.ofMinutes(15), Duration.ofSeconds(5), "", "", "", "sub",
                    Duration.ofSeconds(30), Set.of("RS256", "ES256"), true),
            new Callout("", Duration.ofSeconds(3), Duration.ZERO, 0, true));

    /** Reads {@code rookery.auth} from the root configuration. */
    public static PlatformLoginSettings from(Config root) {
        Config auth = root.getConfig("rookery.auth");
        return new PlatformLoginSettings(jwt(auth.getConfig("jwt")), callout(auth.getConfig("callout")));
    }

    private static Jwt jwt(Config j) {
        String n = "rookery.auth.jwt";
        List<String> algs = j.getStringList("algorithms");
        for (String a : algs) {
            if (!JwtVerifier.SUPPORTED.contains(a)) {
                throw new IllegalArgumentException(n + ".algorithms: " + a + " is not one of " + JwtVerifier.SUPPORTED
                        + " (none is never accepted)");
            }
        }
        Jwt s = new Jwt(j.getBoolean("enabled"), j.getString("jwks-file"), j.getString("jwks-url"),
                range(j.getDuration("refresh-interval"), Duration.ofSeconds(10), Duration.ofDays(7),
                        n + ".refresh-interval"),
                range(j.getDuration("fetch-timeout"), Duration.ofMillis(100), Duration.ofMinutes(1),
                        n + ".fetch-timeout"),
                j.getString("hmac-secret-file"), j.getString("issuer"), j.getString("audience"),
                j.getString("jid-claim"),
                range(j.getDuration("clock-skew"), Duration.ZERO, Duration.ofMinutes(10), n + ".clock-skew"),
                Set.copyOf(algs), j.getBoolean("create-accounts"));
        if (!s.enabled()) return s;
        if (s.audience().isEmpty()) {
            throw new IllegalArgumentException(n + ".audience is required: a token issued for another service "
                    + "must not log in here");
        }
        if (s.jidClaim().isEmpty()) throw new IllegalArgumentException(n + ".jid-claim is required");
        if (algs.isEmpty()) throw new IllegalArgumentException(n + ".algorithms is empty");
        if (s.jwksFile().isEmpty() && s.jwksUrl().isEmpty() && s.hmacSecretFile().isEmpty()) {
            throw new IllegalArgumentException(n + " needs jwks-file, jwks-url or hmac-secret-file");
        }
        if (algs.contains("HS256") && s.hmacSecretFile().isEmpty()) {
            throw new IllegalArgumentException(n + ".algorithms has HS256 but no hmac-secret-file is set");
        }
        if (!s.jwksUrl().isEmpty()) checkUrl(s.jwksUrl(), n + ".jwks-url");
        return s;
    }

    private static Callout callout(Config c) {
        String n = "rookery.auth.callout";
        Callout s = new Callout(c.getString("url"),
                range(c.getDuration("timeout"), Duration.ofMillis(100), Duration.ofMinutes(1), n + ".timeout"),
                range(c.getDuration("cache-ttl"), Duration.ZERO, Duration.ofDays(1), n + ".cache-ttl"),
                (int) range(c.getInt("cache-size"), 0, 10_000_000, n + ".cache-size"),
                c.getBoolean("create-accounts"));
        if (s.enabled()) checkUrl(s.url(), n + ".url");
        return s;
    }

    /**
     * https, or http only to a loopback address (a sidecar on the same host): a password or the keys that decide
     * who may log in must not cross a network in the clear.
     */
    static void checkUrl(String url, String name) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not a URL", e);
        }
        if ("https".equals(u.getScheme()) && u.getHost() != null) return;
        if ("http".equals(u.getScheme()) && u.getHost() != null && loopback(u.getHost())) return;
        throw new IllegalArgumentException(name + " must be https (http only to a loopback address)");
    }

    private static boolean loopback(String host) {
        if ("localhost".equals(host)) return true;
        // Literal addresses only: a name is not resolved at start just to decide this.
        if (!host.matches("[0-9.]+|\\[[0-9a-fA-F:]+\\]")) return false;
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static long range(long v, long min, long max, String name) {
        if (v < min || v > max) throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "]");
        return v;
    }

    private static Duration range(Duration d, Duration min, Duration max, String name) {
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
        }
        return d;
    }
}
