package io.rookery.node.c2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.limits.AddressKey;
import org.junit.jupiter.api.Test;

class UnauthenticatedConnectionsTest {
    private static final long A = 0xFFFF_FFFF_7F00_0001L;
    private static final long B = 0xFFFF_FFFF_7F00_0002L;

    @Test
    void anAddressGetsItsSlotsAndNoMoreWhileAnotherIsUntouched() {
        UnauthenticatedConnections c = new UnauthenticatedConnections(2);
        assertTrue(c.tryAcquire(A));
        assertTrue(c.tryAcquire(A));
        assertFalse(c.tryAcquire(A), "the third from one address");
        assertTrue(c.tryAcquire(B), "another address has its own slots");
        assertEquals(2, c.count(A));
        c.release(A);
        assertTrue(c.tryAcquire(A), "a freed slot can be taken again");
    }

    @Test
    void anAddressWithNothingPendingLeavesNoEntry() {
        UnauthenticatedConnections c = new UnauthenticatedConnections(5);
        c.tryAcquire(A);
        c.tryAcquire(A);
        c.release(A);
        c.release(A);
        c.release(A);
        assertEquals(0, c.addresses());
        assertEquals(0, c.count(A));
    }

    @Test
    void zeroCountsWithoutCapAndAnUnknownAddressIsNeverRefused() {
        UnauthenticatedConnections open = new UnauthenticatedConnections(0);
        for (int i = 0; i < 1000; i++) assertTrue(open.tryAcquire(A));
        UnauthenticatedConnections one = new UnauthenticatedConnections(1);
        assertTrue(one.tryAcquire(AddressKey.UNKNOWN));
        assertTrue(one.tryAcquire(AddressKey.UNKNOWN));
        assertEquals(0, one.addresses());
    }
}
