package io.rookery.node.auth;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.sasl.SaslCondition;
import io.rookery.protocol.sasl.Verification;
import io.rookery.protocol.sasl.jwt.JwtVerifier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Logins whose accounts a platform keeps: a signed JWT over OAUTHBEARER ({@link JwtKeys}) and PLAIN checked by the
 * platform's HTTP service ({@link PasswordCallout}). The session asks {@link #verify} and gets a verdict for the
 * mechanism; it never blocks (JWT checks are done in place, the callout completes later). Counted in
 * {@code xmpp_auth_platform_total{method,outcome}}.
 */
public final class PlatformLogins implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PlatformLogins.class);

    private final PlatformLoginSettings settings;
    private final String domain;
    private final JwtKeys jwt;
    private final PasswordCallout callout;
    private final Counter outcomes;

    private PlatformLogins(PlatformLoginSettings settings, String domain, JwtKeys jwt, PasswordCallout callout,
            Counter outcomes) {
        this.settings = settings;
        this.domain = domain;
        this.jwt = jwt;
        this.callout = callout;
        this.outcomes = outcomes;
    }

    /** Nothing enabled: neither mechanism is offered. */
    public static PlatformLogins off() {
        return new PlatformLogins(PlatformLoginSettings.OFF, "", null, null, null);
    }

    /**
     * Starts what the settings enable: reads the JWK file and starts fetching the URL (a file that cannot be read
     * fails the start; a URL that cannot be fetched yet leaves logins refused with temporary-auth-failure until it
     * can).
     */
    public static PlatformLogins start(PlatformLoginSettings settings, String domain, PrometheusRegistry registry) {
        if (!settings.jwt().enabled() && !settings.callout().enabled()) return off();
        Counter outcomes = Counter.builder().name("xmpp_auth_platform_total")
                .help("Platform logins (method jwt or callout) by outcome: accepted, refused, expired, temporary")
                .labelNames("method", "outcome").register(registry);
        JwtKeys jwt = settings.jwt().enabled() ? JwtKeys.start(settings.jwt(), registry) : null;
        PasswordCallout callout = settings.callout().enabled()
                ? new PasswordCallout(settings.callout(), domain, registry) : null;
        LOG.info("platform-logins-started jwt={} callout={}", jwt != null, callout != null);
        return new PlatformLogins(settings, domain, jwt, callout, outcomes);
    }

    public boolean jwtEnabled() {
        return jwt != null;
    }

    public boolean calloutEnabled() {
        return callout != null;
    }

    /** Whether an account the platform vouches for is created when it does not exist yet. */
    public boolean createAccounts(Verification v) {
        return v instanceof Verification.BearerToken ? settings.jwt().createAccounts()
                : settings.callout().createAccounts();
    }

    /** The verdict on what a mechanism asked to have verified; completes with a Refused rather than failing. */
    public CompletionStage<Verification.Verdict> verify(Verification v) {
        if (v instanceof Verification.BearerToken t && jwt != null) {
            Verification.Verdict verdict = token(t);
            count("jwt", verdict);
            return CompletableFuture.completedFuture(verdict);
        }
        if (v instanceof Verification.Password p && callout != null) {
            return callout.check(p).thenApply(verdict -> {
                count("callout", verdict);
                return verdict;
            });
        }
        return CompletableFuture.completedFuture(
                new Verification.Refused(SaslCondition.NOT_AUTHORIZED, "platform logins are off"));
    }

    private Verification.Verdict token(Verification.BearerToken t) {
        JwtVerifier verifier = jwt.verifier();
        if (verifier == null) {
            return new Verification.Refused(SaslCondition.TEMPORARY_AUTH_FAILURE, "no JWK set loaded yet");
        }
        JwtVerifier.Result r = verifier.verify(t.token());
        if (r instanceof JwtVerifier.Invalid bad) {
            if (bad.reason() == JwtVerifier.Reason.UNKNOWN_KEY) jwt.unknownKey();
            // RFC 6120 §6.5.3: the client can get a new token; every other refusal says nothing more.
            SaslCondition c = bad.reason() == JwtVerifier.Reason.EXPIRED ? SaslCondition.CREDENTIALS_EXPIRED
                    : SaslCondition.NOT_AUTHORIZED;
            return new Verification.Refused(c, "token refused: " + bad.reason());
        }
        String localpart = localpart(((JwtVerifier.Valid) r).identity());
        if (localpart == null) {
            return new Verification.Refused(SaslCondition.NOT_AUTHORIZED, "token names no user of this domain");
        }
        // RFC 7628 §3.1's authzid: a client may only name the identity the token gives it.
        if (t.authzid() != null && !t.authzid().equals(localpart) && !t.authzid().equals(localpart + "@" + domain)) {
            return new Verification.Refused(SaslCondition.INVALID_AUTHZID, "authzid differs from the token");
        }
        return new Verification.Accepted(localpart);
    }

    /** A bare JID at this domain, or a bare localpart; null otherwise. */
    String localpart(String identity) {
        try {
            Jid j = identity.indexOf('@') >= 0 ? Jid.parse(identity) : Jid.of(identity, domain, null);
            if (j.local() == null || j.resource() != null || !domain.equalsIgnoreCase(j.domain())) return null;
            return j.local();
        } catch (InvalidJidException | RuntimeException e) {
            return null;
        }
    }

    private void count(String method, Verification.Verdict v) {
        String outcome = v instanceof Verification.Accepted ? "accepted"
                : switch (((Verification.Refused) v).condition()) {
                    case CREDENTIALS_EXPIRED -> "expired";
                    case TEMPORARY_AUTH_FAILURE -> "temporary";
                    default -> "refused";
                };
        outcomes.labelValues(method, outcome).inc();
    }

    @Override
    public void close() {
        if (jwt != null) jwt.close();
    }
}
