package io.rookery.node.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RateLimitedLogTest {
    @Test
    void oneLinePerIntervalStandsForEveryEventSinceTheLastOne() {
        RateLimitedLog log = new RateLimitedLog(1_000, 0);
        assertEquals(1, log.event(0), "the first event is logged at once");
        assertEquals(0, log.event(10));
        assertEquals(0, log.event(999));
        assertEquals(3, log.event(1_000), "the next line counts the two it stood in for");
        assertEquals(0, log.event(1_500));
        assertEquals(2, log.event(5_000), "the one at 1500 and this one");
    }
}
