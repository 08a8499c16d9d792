package io.rookery.node.ext.register;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rookery.node.ext.UnauthenticatedStream;
import io.rookery.node.limits.AddressKey;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The registration limits on a clock the test moves. */
class RegistrationLimitsTest {
    private static final long X = 0xFFFF_FFFF_C000_0201L;
    private static final long Y = 0xFFFF_FFFF_C000_0202L;

    private long now = 1_000_000L;

    private RegistrationLimits limits(int perAddress, int perNode) {
        return new RegistrationLimits(new RegisterSettings(1, perAddress, Duration.ofHours(1), perNode,
                Duration.ofMinutes(1)), () -> now);
    }

    private static UnauthenticatedStream fresh(long address) {
        return new UnauthenticatedStream(address, 0);
    }

    @Test
    void aConnectionThatRegisteredOnceIsRefusedWhateverTheOtherCounts() {
        RegistrationLimits l = limits(0, 0);
        assertNull(l.reserve(new UnauthenticatedStream(X, 0)).refusal);
        assertEquals(RegistrationLimits.Refusal.STREAM, l.reserve(new UnauthenticatedStream(X, 1)).refusal);
    }

    @Test
    void anAddressRegistersItsNumberPerWindowWhileAnotherIsUntouched() {
        RegistrationLimits l = limits(3, 0);
        for (int i = 0; i < 3; i++) assertNull(l.reserve(fresh(X)).refusal, "registration " + (i + 1));
        assertEquals(RegistrationLimits.Refusal.ADDRESS, l.reserve(fresh(X)).refusal);
        assertNull(l.reserve(fresh(Y)).refusal);
        now += Duration.ofMinutes(59).toMillis();
        assertEquals(RegistrationLimits.Refusal.ADDRESS, l.reserve(fresh(X)).refusal, "the window is not over");
        now += Duration.ofMinutes(1).toMillis();
        assertNull(l.reserve(fresh(X)).refusal, "a new window began");
        assertEquals(1, l.addresses(), "the window of Y, begun with the first of X, ended too");
    }

    @Test
    void aPlaceGivenBackBecauseNoAccountWasCreatedCountsForNothing() {
        RegistrationLimits l = limits(1, 1);
        RegistrationLimits.Reservation taken = l.reserve(fresh(X));
        assertNull(taken.refusal);
        assertEquals(RegistrationLimits.Refusal.ADDRESS, l.reserve(fresh(X)).refusal, "held while it is being created");
        taken.release();
        taken.release();
        assertNull(l.reserve(fresh(X)).refusal, "the name was taken: the place is free again");
        assertEquals(RegistrationLimits.Refusal.ADDRESS, l.reserve(fresh(X)).refusal, "released once, not twice");
    }

    @Test
    void theNodeRegistersItsNumberPerWindowFromAllAddressesTogether() {
        RegistrationLimits l = limits(0, 2);
        assertNull(l.reserve(fresh(X)).refusal);
        assertNull(l.reserve(fresh(AddressKey.UNKNOWN)).refusal);
        assertEquals(RegistrationLimits.Refusal.NODE, l.reserve(fresh(Y)).refusal);
        now += Duration.ofMinutes(1).toMillis();
        assertNull(l.reserve(fresh(Y)).refusal);
    }

    @Test
    void aRefusalByTheNodeTakesNoPlaceFromTheAddress() {
        RegistrationLimits l = limits(2, 1);
        assertNull(l.reserve(fresh(X)).refusal);
        assertEquals(RegistrationLimits.Refusal.NODE, l.reserve(fresh(X)).refusal);
        now += Duration.ofMinutes(1).toMillis();
        assertNull(l.reserve(fresh(X)).refusal, "the address's second place was never taken");
    }
}
