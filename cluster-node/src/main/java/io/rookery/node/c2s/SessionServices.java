package io.rookery.node.c2s;

import io.rookery.node.config.RookerySettings;
import io.rookery.node.routing.Router;
import io.rookery.node.ext.Modules;
import java.security.SecureRandom;

/** What every session of a node shares: settings, the router and through it the modules. */
public final class SessionServices {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private final RookerySettings settings;
    private final Router router;
    private final boolean tlsAvailable;
    private final io.rookery.node.metrics.NodeMetrics metrics;
    private final io.rookery.node.cluster.OnlineSessions onlineSessions;
    private final SecureRandom random = new SecureRandom();
    private final AuthThrottle authThrottle;
    /** JWT (OAUTHBEARER) and callout (PLAIN) logins of accounts a platform keeps; off unless configured. */
    private final io.rookery.node.auth.PlatformLogins platformLogins;
    private final io.rookery.node.limits.RateLimitedLog outputDrops = new io.rookery.node.limits.RateLimitedLog();
    /** XEP-0198 §5: the node's resumable sessions by SM-ID. */
    private final java.util.concurrent.ConcurrentHashMap<String,
            org.apache.pekko.actor.typed.ActorRef<io.rookery.node.user.SessionProtocol.Message>> resumable =
            new java.util.concurrent.ConcurrentHashMap<>();

    public SessionServices(RookerySettings settings, Router router, boolean tlsAvailable, io.rookery.node.metrics.NodeMetrics metrics,
            io.rookery.node.cluster.OnlineSessions onlineSessions) {
        this(settings, router, tlsAvailable, metrics, onlineSessions, io.rookery.node.auth.PlatformLogins.off());
    }

    public SessionServices(RookerySettings settings, Router router, boolean tlsAvailable, io.rookery.node.metrics.NodeMetrics metrics,
            io.rookery.node.cluster.OnlineSessions onlineSessions, io.rookery.node.auth.PlatformLogins platformLogins) {
        this.platformLogins = platformLogins;
        this.metrics = metrics;
        this.onlineSessions = onlineSessions;
        this.settings = settings;
        this.router = router;
        this.tlsAvailable = tlsAvailable;
        this.authThrottle = new AuthThrottle(settings.c2s().authThrottle(), System::nanoTime);
    }

    void resumable(String id, org.apache.pekko.actor.typed.ActorRef<io.rookery.node.user.SessionProtocol.Message> session) {
        resumable.put(id, session);
    }

    /** Forgets the id, if it still names this session. */
    void notResumable(String id,
            org.apache.pekko.actor.typed.ActorRef<io.rookery.node.user.SessionProtocol.Message> session) {
        resumable.remove(id, session);
    }

    /**
     * Coordinated shutdown: resumable sessions end too, the detached ones among them (they have no connection for
     * the sweep to find), so what they hold goes back to the accounts while the cluster still takes it.
     */
    int endResumable() {
        int told = 0;
        for (var session : resumable.values()) {
            session.tell(new io.rookery.node.user.SessionProtocol.Kicked(
                    io.rookery.node.user.SessionProtocol.Kick.SYSTEM_SHUTDOWN));
            told++;
        }
        return told;
    }

    /** The session a stream with this SM-ID resumes, or null. */
    org.apache.pekko.actor.typed.ActorRef<io.rookery.node.user.SessionProtocol.Message> resumableSession(String id) {
        return resumable.get(id);
    }

    /** The node's SASL failure counts (one per node: every session of the node shares them). */
    AuthThrottle authThrottle() {
        return authThrottle;
    }

    io.rookery.node.auth.PlatformLogins platformLogins() {
        return platformLogins;
    }

    /** One c2s-output-dropped line per interval for the whole node. */
    io.rookery.node.limits.RateLimitedLog outputDrops() {
        return outputDrops;
    }

    /** Where resumable streams are kept for resumption after a node loss (XEP-0198); null when nowhere. */
    io.rookery.persistence.sm.StreamOutbox streamOutbox() {
        return modules().stores() == null ? null : modules().stores().streams();
    }

    /** Where the node records its bound sessions (null: not recorded). */
    io.rookery.node.cluster.OnlineSessions onlineSessions() {
        return onlineSessions;
    }

    io.rookery.node.metrics.NodeMetrics metrics() {
        return metrics;
    }

    String domain() {
        return settings.domain();
    }

    boolean tlsAvailable() {
        return tlsAvailable;
    }

    boolean requireTls() {
        return settings.c2s().requireTls();
    }

    /** SCRAM -PLUS offered (with tls-server-end-point, the only type computed). */
    boolean offerChannelBinding() {
        return settings.c2s().offerChannelBinding();
    }

    boolean allowPlainWithoutTls() {
        return settings.c2s().allowPlainWithoutTls();
    }

    /** How long a session waits for the user's entity (credentials, bind) before giving up. */
    java.time.Duration accountLookupTimeout() {
        return settings.c2s().accountLookupTimeout();
    }

    int maxDirectedPresences() {
        return settings.c2s().maxDirectedPresences();
    }

    int maxAuthFailures() {
        return settings.c2s().maxAuthFailures();
    }

    Router router() {
        return router;
    }

    Modules modules() {
        return router.modules();
    }

    /** RFC 6120 §4.7.3: stream ids are unpredictable. */
    String newStreamId() {
        return randomToken(16);
    }

    /** RFC 6120 §7.6.2.1: a server-generated resource, unique and unpredictable. */
    String newResource() {
        return "rookery-" + randomToken(10);
    }

    private String randomToken(int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) c[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        return new String(c);
    }
}
