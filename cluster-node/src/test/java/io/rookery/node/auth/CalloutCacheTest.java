package io.rookery.node.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CalloutCacheTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void remembersAnAcceptedLoginForTheTtlOnly() {
        CalloutCache c = new CalloutCache(Duration.ofMinutes(5), 100, now::get);
        assertFalse(c.accepted("alice", "pw"));
        c.remember("alice", "pw");
        assertTrue(c.accepted("alice", "pw"));
        now.addAndGet(Duration.ofMinutes(5).toNanos());
        assertFalse(c.accepted("alice", "pw"), "expired");
        assertEquals(0, c.size(), "an expired entry is dropped when seen");
    }

    @Test
    void anotherPasswordOrUserIsAMiss() {
        CalloutCache c = new CalloutCache(Duration.ofMinutes(5), 100, now::get);
        c.remember("alice", "pw");
        assertFalse(c.accepted("alice", "pw2"));
        assertFalse(c.accepted("alice2", "pw"));
        // The user's length in the key keeps ("a", "b\0c") and ("a\0b", "c") apart.
        c.remember("a", "b\0c");
        assertFalse(c.accepted("a\0b", "c"));
    }

    @Test
    void holdsAtMostItsSizeDroppingTheLeastRecentlyUsed() {
        CalloutCache c = new CalloutCache(Duration.ofMinutes(5), 2, now::get);
        c.remember("a", "1");
        c.remember("b", "2");
        assertTrue(c.accepted("a", "1"));
        c.remember("c", "3");
        assertEquals(2, c.size());
        assertTrue(c.accepted("a", "1"));
        assertFalse(c.accepted("b", "2"), "b was the least recently used");
    }

    @Test
    void aZeroTtlOrSizeCachesNothing() {
        CalloutCache off = new CalloutCache(Duration.ZERO, 100, now::get);
        off.remember("alice", "pw");
        assertFalse(off.accepted("alice", "pw"));
        CalloutCache empty = new CalloutCache(Duration.ofMinutes(1), 0, now::get);
        empty.remember("alice", "pw");
        assertFalse(empty.accepted("alice", "pw"));
    }

    @Test
    void neverHoldsThePasswordItself() throws Exception {
        CalloutCache c = new CalloutCache(Duration.ofMinutes(5), 100, now::get);
        c.remember("alice", "s3cret-pa55");
        var f = CalloutCache.class.getDeclaredField("entries");
        f.setAccessible(true);
        assertFalse(f.get(c).toString().contains("s3cret-pa55"));
    }
}
