package io.rookery.node.c2s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The node-wide parse budget's arithmetic: free share, reservations that follow the parser, release at the end. */
class ParseBudgetTest {
    private static final long FREE = ParseBudget.FREE_BYTES;

    @Test
    void aConnectionReservesOnlyWhatItHoldsBeyondItsFreeShareAndGivesItBack() {
        ParseBudget budget = new ParseBudget(100_000);
        long a = budget.hold(0, FREE);
        assertEquals(0, a);
        assertEquals(0, budget.used());
        a = budget.hold(a, FREE + 60_000);
        assertEquals(60_000, a);
        assertEquals(60_000, budget.used());
        // A second connection finds only 40,000 left.
        assertEquals(-1, budget.hold(0, FREE + 50_000));
        assertEquals(60_000, budget.used(), "a refusal takes nothing");
        long b = budget.hold(0, FREE + 40_000);
        assertEquals(40_000, b);
        assertEquals(100_000, budget.used());
        // The first one's stanza completes: its reservation is free again.
        a = budget.hold(a, 0);
        assertEquals(0, a);
        assertEquals(40_000, budget.used());
        // The second connection ends: everything back.
        budget.release(b);
        assertEquals(0, budget.used());
    }

    @Test
    void zeroMeansAnEighthOfTheHeap() {
        assertEquals(Runtime.getRuntime().maxMemory() / 8, ParseBudget.of(0).capacity());
        assertEquals(123_456, ParseBudget.of(123_456).capacity());
    }
}
