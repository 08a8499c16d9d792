package io.rookery.node.auth;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rookery.protocol.sasl.jwt.JwkSet;
import io.rookery.protocol.sasl.jwt.JwtVerifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The keys JWT logins are checked with: a JWK file and/or URL, read at start and every refresh interval on a thread
 * of its own (never a dispatcher's: reading a file blocks), the URL through the JDK's asynchronous HTTP client.
 * Sessions read the current {@link JwtVerifier} without locking; a refresh that fails keeps the keys it had.
 */
final class JwtKeys implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JwtKeys.class);
    /** A JWK set of a few keys is a few KiB; anything near this is not one. */
    static final int MAX_JWKS_BYTES = 1 << 20;
    private static final long UNKNOWN_KEY_REFETCH_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final PlatformLoginSettings.Jwt settings;
    private final JwtVerifier template;
    private final ScheduledExecutorService timer;
    private final HttpClient http;
    private final Counter refreshFailures;
    private final AtomicLong lastUrlFetch = new AtomicLong(System.nanoTime() - UNKNOWN_KEY_REFETCH_NANOS);
    private volatile JwkSet fileKeys = JwkSet.EMPTY;
    private volatile JwkSet urlKeys = JwkSet.EMPTY;
    /** Null until some key (or the HMAC secret) is there to check with. */
    private volatile JwtVerifier verifier;

    private JwtKeys(PlatformLoginSettings.Jwt settings, byte[] hmacSecret, Counter refreshFailures) {
        this.settings = settings;
        this.refreshFailures = refreshFailures;
        this.template = new JwtVerifier(JwkSet.EMPTY, hmacSecret, settings.algorithms(),
                settings.issuer().isEmpty() ? null : settings.issuer(), settings.audience(), settings.jidClaim(),
                settings.clockSkew(), Clock.systemUTC());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rookery-jwks-refresh");
            t.setDaemon(true);
            return t;
        });
        this.http = settings.jwksUrl().isEmpty() ? null : HttpClient.newBuilder()
                .connectTimeout(settings.fetchTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        if (hmacSecret != null) verifier = template;
    }

    static JwtKeys start(PlatformLoginSettings.Jwt settings, PrometheusRegistry registry) {
        byte[] secret = null;
        try {
            if (!settings.hmacSecretFile().isEmpty()) {
                secret = Files.readAllBytes(Path.of(settings.hmacSecretFile()));
                // RFC 7518 §3.2: an HS256 key shorter than the hash is not allowed.
                if (secret.length < 32) {
                    throw new IllegalArgumentException("rookery.auth.jwt.hmac-secret-file holds fewer than 32 bytes");
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("rookery.auth.jwt.hmac-secret-file cannot be read: " + e, e);
        }
        Counter failures = Counter.builder().name("xmpp_auth_jwks_refresh_failures_total")
                .help("Reads of rookery.auth.jwt.jwks-file or jwks-url that failed (the previous keys stay)")
                .labelNames("source").register(registry);
        JwtKeys keys = new JwtKeys(settings, secret, failures);
        if (!settings.jwksFile().isEmpty()) {
            // At start a broken file is a configuration error: fail now rather than refuse every login.
            keys.fileKeys = keys.readFile();
            keys.publish();
        }
        keys.fetchUrl();
        long every = settings.refreshInterval().toMillis();
        keys.timer.scheduleWithFixedDelay(keys::refresh, every, every, TimeUnit.MILLISECONDS);
        return keys;
    }

    JwtVerifier verifier() {
        return verifier;
    }

    /** A token named a key we lack: the platform may have rotated its keys; fetch again, at most once a minute. */
    void unknownKey() {
        long last = lastUrlFetch.get();
        if (http != null && System.nanoTime() - last >= UNKNOWN_KEY_REFETCH_NANOS
                && lastUrlFetch.compareAndSet(last, System.nanoTime())) {
            timer.execute(this::fetchUrl);
        }
    }

    private void refresh() {
        if (!settings.jwksFile().isEmpty()) {
            try {
                fileKeys = readFile();
                publish();
            } catch (RuntimeException e) {
                refreshFailures.labelValues("file").inc();
                LOG.warn("jwks-refresh-failed source=file reason={}", e.getMessage());
            }
        }
        fetchUrl();
    }

    private JwkSet readFile() {
        try {
            Path p = Path.of(settings.jwksFile());
            if (Files.size(p) > MAX_JWKS_BYTES) throw new IllegalArgumentException("JWK set file too large");
            return JwkSet.parse(Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("rookery.auth.jwt.jwks-file cannot be read: " + e, e);
        }
    }

    private void fetchUrl() {
        if (http == null) return;
        lastUrlFetch.set(System.nanoTime());
        HttpRequest req = HttpRequest.newBuilder(URI.create(settings.jwksUrl())).timeout(settings.fetchTimeout())
                .header("Accept", "application/json").GET().build();
        http.sendAsync(req, HttpResponse.BodyHandlers.ofInputStream())
                .orTimeout(settings.fetchTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(r -> {
                    try (var in = r.body()) {
                        if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode());
                        byte[] body = in.readNBytes(MAX_JWKS_BYTES + 1);
                        if (body.length > MAX_JWKS_BYTES) throw new IllegalStateException("JWK set too large");
                        return JwkSet.parse(new String(body, StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .whenComplete((set, failure) -> {
                    if (failure != null) {
                        refreshFailures.labelValues("url").inc();
                        LOG.warn("jwks-refresh-failed source=url reason={}", failure.toString());
                        return;
                    }
                    urlKeys = set;
                    publish();
                    LOG.info("jwks-loaded source=url keys={}", set.keys().size());
                });
    }

    private synchronized void publish() {
        List<JwkSet.Key> all = new ArrayList<>(fileKeys.keys());
        all.addAll(urlKeys.keys());
        verifier = template.withKeys(new JwkSet(all));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
