package io.rookery.node.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The callout's accepted logins, for a while: keyed by HMAC-SHA-256 of user and password under a key drawn at start
 * and never stored, so neither the password nor a hash that could be tested offline without that key is held.
 * Bounded (least recently used first out); only acceptances are kept, so a password changed at the platform stops
 * working here at once for whoever was refused, and within the TTL for a cached login.
 */
final class CalloutCache {
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoClock;
    private final byte[] key = new byte[32];
    /** Access-ordered: the eldest entry is the least recently used. Guarded by this. */
    private final LinkedHashMap<String, Long> entries;

    CalloutCache(java.time.Duration ttl, int maxEntries, LongSupplier nanoClock) {
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.nanoClock = nanoClock;
        new SecureRandom().nextBytes(key);
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > CalloutCache.this.maxEntries;
            }
        };
    }

    boolean enabled() {
        return ttlNanos > 0 && maxEntries > 0;
    }

    /** Whether this user logged in with this password within the TTL. */
    boolean accepted(String user, String password) {
        if (!enabled()) return false;
        String k = keyFor(user, password);
        synchronized (this) {
            Long at = entries.get(k);
            if (at == null) return false;
            if (nanoClock.getAsLong() - at < ttlNanos) return true;
            entries.remove(k);
            return false;
        }
    }

    void remember(String user, String password) {
        if (!enabled()) return;
        String k = keyFor(user, password);
        synchronized (this) {
            entries.put(k, nanoClock.getAsLong());
        }
    }

    synchronized int size() {
        return entries.size();
    }

    private String keyFor(String user, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            // Length-prefixed, so that no other split of the same bytes into user and password gives this key.
            byte[] u = user.getBytes(StandardCharsets.UTF_8);
            mac.update(java.nio.ByteBuffer.allocate(4).putInt(u.length).array());
            mac.update(u);
            return Base64.getEncoder().encodeToString(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing", e);
        }
    }
}
