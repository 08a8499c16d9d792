package io.rookery.node.auth;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rookery.protocol.sasl.SaslCondition;
import io.rookery.protocol.sasl.Verification;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * PLAIN checked by the platform: one JSON POST per login to {@code rookery.auth.callout.url} through the JDK's
 * asynchronous HTTP client, answered within the timeout or taken as the platform being unavailable
 * (temporary-auth-failure, which clients retry, rather than not-authorized, which makes them ask the user).
 * Accepted logins are cached ({@link CalloutCache}).
 */
final class PasswordCallout {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PasswordCallout.class);

    private final PlatformLoginSettings.Callout settings;
    private final String domain;
    private final URI url;
    private final HttpClient http;
    private final CalloutCache cache;
    private final Counter failures;
    private final Counter cacheHits;
    private final io.rookery.node.limits.RateLimitedLog failureLog = new io.rookery.node.limits.RateLimitedLog();

    PasswordCallout(PlatformLoginSettings.Callout settings, String domain, PrometheusRegistry registry) {
        this.settings = settings;
        this.domain = domain;
        this.url = URI.create(settings.url());
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.cache = new CalloutCache(settings.cacheTtl(), settings.cacheSize(), System::nanoTime);
        this.failures = Counter.builder().name("xmpp_auth_callout_failures_total")
                .help("Callout logins answered temporary-auth-failure: reason timeout, status (5xx or unexpected) "
                        + "or error (connection)").labelNames("reason").register(registry);
        this.cacheHits = Counter.builder().name("xmpp_auth_callout_cache_hits_total")
                .help("Callout logins accepted from the cache without asking the platform").register(registry);
    }

    CompletionStage<Verification.Verdict> check(Verification.Password p) {
        if (cache.accepted(p.username(), p.password())) {
            cacheHits.inc();
            return CompletableFuture.completedFuture(new Verification.Accepted(p.username()));
        }
        String body = "{\"user\":" + jsonString(p.username()) + ",\"server\":" + jsonString(domain)
                + ",\"password\":" + jsonString(p.password()) + "}";
        HttpRequest req = HttpRequest.newBuilder(url).timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.discarding())
                // A backstop for the request timeout, which only covers waiting for the response headers.
                .orTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((r, failure) -> {
                    if (failure == null) return answer(p, r.statusCode());
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause()
                            != null ? failure.getCause() : failure;
                    boolean timeout = cause instanceof TimeoutException
                            || cause instanceof java.net.http.HttpTimeoutException;
                    return unavailable(timeout ? "timeout" : "error", cause.getClass().getSimpleName());
                });
    }

    private Verification.Verdict answer(Verification.Password p, int status) {
        if (status >= 200 && status < 300) {
            cache.remember(p.username(), p.password());
            return new Verification.Accepted(p.username());
        }
        if (status == 401 || status == 403) {
            return new Verification.Refused(SaslCondition.NOT_AUTHORIZED, "the platform refused the password");
        }
        return unavailable("status", "HTTP " + status);
    }

    private Verification.Verdict unavailable(String reason, String detail) {
        failures.labelValues(reason).inc();
        long lines = failureLog.event(System.nanoTime());
        if (lines > 0) LOG.warn("auth-callout-failed reason={} detail={} since-last-line={}", reason, detail, lines);
        return new Verification.Refused(SaslCondition.TEMPORARY_AUTH_FAILURE, "callout " + reason);
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static String jsonString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
