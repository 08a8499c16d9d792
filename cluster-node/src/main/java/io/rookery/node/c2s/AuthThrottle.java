package io.rookery.node.c2s;

import io.rookery.node.config.RookerySettings;
import io.rookery.node.limits.AddressKey;
import io.rookery.node.limits.RateLimitedLog;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Slows password guessing without ever locking an account (XEP-0205 §3: a lockout would let anyone deny the
 * account's owner). Failed SASL attempts are counted per account and per client address, node-wide. Past
 * {@code free-failures}, a failure makes its key wait: the failure's answer is held that long, and a new attempt on
 * the same account or from the same address, on any stream, is not processed before the wait is over. Each further
 * failure doubles the wait, up to {@code max-delay}. The right password is never refused, only made to wait at most
 * the current delay: the price of no lockout is that the owner waits too while the account is under attack, and an
 * attacker with many streams still gets one guess per stream per delay (the per-address cap on unauthenticated
 * connections bounds the streams of one address).
 *
 * <p>State is one small entry per account or address that failed recently: a score that halves every
 * {@code half-life} (so no timer is needed to forget), and the time before which the key's next attempt waits. At
 * most {@code max-entries} are kept, the least recently failed dropped first; the node's sweep drops those that
 * have decayed. A successful login resets nothing, so an attacker cannot clear an address's count by logging in to
 * an account of their own, and the owner's logins do not reopen the account to fast guessing.
 *
 * <p>Per node: an attacker who spreads attempts over n nodes of a cluster gets n times the rate. Counting across
 * the cluster would belong in the sharded user entity, which every attempt on an account already asks.
 */
final class AuthThrottle {
    /** How long to wait (0: not at all) and whether the account's count, rather than the address's, asked for it. */
    record Wait(long nanos, boolean byAccount) {
        static final Wait NONE = new Wait(0, false);
    }

    private static final class Entry {
        double score;
        long at;
        long notBefore;
    }

    private final int freeFailures;
    private final long baseNanos;
    private final long maxNanos;
    private final double halfLifeNanos;
    private final int maxEntries;
    private final LongSupplier nanoTime;
    private final RateLimitedLog log = new RateLimitedLog();
    /** Accounts (bare JID strings) and addresses (Long keys); access order, so the eldest is the least recent. */
    private final LinkedHashMap<Object, Entry> entries = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Entry> eldest) {
            return size() > maxEntries;
        }
    };

    AuthThrottle(RookerySettings.AuthThrottleSettings settings, LongSupplier nanoTime) {
        this.freeFailures = settings.freeFailures();
        this.baseNanos = settings.baseDelay().toNanos();
        this.maxNanos = settings.maxDelay().toNanos();
        this.halfLifeNanos = settings.halfLife().toNanos();
        this.maxEntries = settings.maxEntries();
        this.nanoTime = nanoTime;
    }

    boolean enabled() {
        return baseNanos > 0;
    }

    /** One log line per interval for the throttled attempts of the whole node. */
    RateLimitedLog log() {
        return log;
    }

    long now() {
        return nanoTime.getAsLong();
    }

    /** How long an attempt on this account (null: not a usable name) from this address waits before it is processed. */
    synchronized Wait admission(String account, long address) {
        if (!enabled()) return Wait.NONE;
        long now = now();
        long byAccount = account == null ? 0 : waitOf(entries.get(account), now);
        long byAddress = address == AddressKey.UNKNOWN ? 0 : waitOf(entries.get(address), now);
        return wait(byAccount, byAddress);
    }

    /** A failed attempt: both counts grow; returns how long its answer is held. */
    synchronized Wait failed(String account, long address) {
        if (!enabled()) return Wait.NONE;
        long now = now();
        long byAccount = account == null ? 0 : fail(account, now);
        long byAddress = address == AddressKey.UNKNOWN ? 0 : fail(address, now);
        return wait(byAccount, byAddress);
    }

    /** Drops the entries that decayed below half a failure and make nobody wait. */
    synchronized void sweep() {
        long now = now();
        for (Iterator<Entry> i = entries.values().iterator(); i.hasNext(); ) {
            Entry e = i.next();
            if (decayed(e, now) < 0.5 && now - e.notBefore >= 0) i.remove();
        }
    }

    synchronized int size() {
        return entries.size();
    }

    /** The failures counted against a key now (decayed), for tests and logs. */
    synchronized double score(Object key) {
        Entry e = entries.get(key);
        return e == null ? 0 : decayed(e, now());
    }

    private long fail(Object key, long now) {
        Entry e = entries.computeIfAbsent(key, k -> new Entry());
        e.score = decayed(e, now) + 1;
        e.at = now;
        long delay = delay(e.score);
        if (e.notBefore - (now + delay) < 0) e.notBefore = now + delay;
        return delay;
    }

    private double decayed(Entry e, long now) {
        return e.score * Math.pow(0.5, (now - e.at) / halfLifeNanos);
    }

    /** base-delay for the first failure past the free ones, doubled for each further one, at most max-delay. */
    long delay(double score) {
        // A score decays continuously: a failure just after n others counts as the (n+1)-th, not as n.9.
        long past = (long) Math.ceil(score - freeFailures - 1e-6);
        if (past <= 0) return 0;
        long d = baseNanos;
        for (long i = 1; i < past && d < maxNanos; i++) d *= 2;
        return Math.min(d, maxNanos);
    }

    private static long waitOf(Entry e, long now) {
        return e == null ? 0 : Math.max(0, e.notBefore - now);
    }

    private static Wait wait(long byAccount, long byAddress) {
        if (byAccount == 0 && byAddress == 0) return Wait.NONE;
        return byAccount >= byAddress ? new Wait(byAccount, true) : new Wait(byAddress, false);
    }
}
