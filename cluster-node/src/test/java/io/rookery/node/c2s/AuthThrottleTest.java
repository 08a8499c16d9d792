package io.rookery.node.c2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.rookery.node.config.RookerySettings;
import io.rookery.node.config.RookerySettings.AuthThrottleSettings;
import io.rookery.node.limits.AddressKey;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The SASL throttle on a clock the test moves: exact delays, no waiting. */
class AuthThrottleTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long X = 0xFFFF_FFFF_C000_0201L;
    private static final long Y = 0xFFFF_FFFF_C000_0202L;

    private long now = 1_000_000_000L;

    private AuthThrottle throttle(int free, long baseMs, long maxMs, int maxEntries) {
        return new AuthThrottle(new AuthThrottleSettings(free, Duration.ofMillis(baseMs), Duration.ofMillis(maxMs),
                Duration.ofMinutes(5), maxEntries), () -> now);
    }

    @Test
    void eachFailurePastTheFreeOnesIsHeldTwiceAsLongAsTheLastUpToTheMaximum() {
        AuthThrottle t = throttle(3, 500, 4000, 100);
        long[] expectedMs = {0, 0, 0, 500, 1000, 2000, 4000, 4000, 4000};
        for (int i = 0; i < expectedMs.length; i++) {
            assertEquals(expectedMs[i] * MS, t.failed("alice@localhost", X).nanos(), "failure " + (i + 1));
        }
    }

    @Test
    void aNewAttemptWaitsOutTheLastFailuresDelayAndNoMore() {
        AuthThrottle t = throttle(1, 1000, 8000, 100);
        t.failed("alice@localhost", X);
        assertEquals(0, t.admission("alice@localhost", Y).nanos(), "the first failure is free");
        assertEquals(1000 * MS, t.failed("alice@localhost", X).nanos());
        now += 300 * MS;
        AuthThrottle.Wait w = t.admission("alice@localhost", Y);
        assertEquals(700 * MS, w.nanos(), "another address waits for the account, the rest of the delay");
        assertTrue(w.byAccount());
        now += 700 * MS;
        assertEquals(0, t.admission("alice@localhost", Y).nanos());
    }

    @Test
    void theRightPasswordWaitsAtMostTheMaximumHoweverLongTheAttack() {
        AuthThrottle t = throttle(3, 500, 10_000, 100);
        for (int i = 0; i < 10_000; i++) t.failed("alice@localhost", X);
        assertTrue(t.admission("alice@localhost", Y).nanos() <= 10_000 * MS);
        now += 10_000 * MS;
        assertEquals(0, t.admission("alice@localhost", Y).nanos(), "never a lockout");
    }

    @Test
    void accountsAndAddressesCountApart() {
        AuthThrottle t = throttle(0, 1000, 8000, 100);
        t.failed("alice@localhost", X);
        AuthThrottle.Wait sameAddress = t.admission("bob@localhost", X);
        assertEquals(1000 * MS, sameAddress.nanos(), "the guessing address waits on every account");
        assertFalse(sameAddress.byAccount());
        assertEquals(1000 * MS, t.admission("alice@localhost", Y).nanos(), "the account waits from every address");
        assertEquals(0, t.admission("bob@localhost", Y).nanos(), "others are untouched");
        assertEquals(0, t.admission(null, AddressKey.UNKNOWN).nanos());
    }

    @Test
    void countsHalveEveryHalfLifeAndTheSweepForgetsWhatDecayed() {
        AuthThrottle t = throttle(3, 500, 10_000, 100);
        for (int i = 0; i < 8; i++) t.failed("alice@localhost", X);
        assertEquals(8.0, t.score("alice@localhost"), 1e-9);
        now += Duration.ofMinutes(5).toNanos();
        assertEquals(4.0, t.score("alice@localhost"), 1e-9);
        assertEquals(1000 * MS, t.failed("alice@localhost", X).nanos(),
                "four left after a half-life, and this one: the second past the free ones");
        t.sweep();
        assertEquals(2, t.size());
        now += Duration.ofMinutes(60).toNanos();
        t.sweep();
        assertEquals(0, t.size());
    }

    @Test
    void theLeastRecentlyFailedAreForgottenPastMaxEntries() {
        AuthThrottle t = throttle(3, 500, 10_000, 16);
        for (int i = 0; i < 40; i++) t.failed("user" + i + "@localhost", AddressKey.UNKNOWN);
        assertEquals(16, t.size());
        assertEquals(0.0, t.score("user0@localhost"));
        assertEquals(1.0, t.score("user39@localhost"));
    }

    @Test
    void aMaxDelayTheNegotiationTimeoutCouldNotWaitOutIsRefusedAtStart() {
        Config tooLong = ConfigFactory.parseMap(Map.of("rookery.c2s.auth-throttle.max-delay", "20s"))
                .withFallback(ConfigFactory.defaultReference()).resolve();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RookerySettings.from(tooLong));
        assertTrue(e.getMessage().contains("negotiation-timeout"), e.getMessage());
        AuthThrottleSettings defaults = RookerySettings.from(ConfigFactory.defaultReference().resolve()).c2s()
                .authThrottle();
        assertEquals(new AuthThrottleSettings(3, Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofMinutes(5),
                20_000), defaults);
    }

    @Test
    void aZeroBaseDelaySwitchesTheThrottleOff() {
        AuthThrottle t = throttle(0, 0, 0, 100);
        for (int i = 0; i < 100; i++) assertEquals(0, t.failed("alice@localhost", X).nanos());
        assertEquals(0, t.admission("alice@localhost", X).nanos());
        assertEquals(0, t.size());
    }
}
