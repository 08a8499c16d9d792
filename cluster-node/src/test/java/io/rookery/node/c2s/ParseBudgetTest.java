package io.rookery.node.c2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The node-wide parse budget's arithmetic: free share, reservations that follow the parser, release at the end. */
class ParseBudgetTest {
    private static final long FREE = ParseBudget.FREE_BYTES;

    @Test
    void aConnectionReservesOnlyWhatItHoldsBeyondItsFreeShareAndGivesItBack() {
        ParseBudget budget = new ParseBudget(100_000);
        ParseBudget.Share a = budget.share();
        assertTrue(a.hold(FREE));
        assertEquals(0, budget.used());
        assertTrue(a.hold(FREE + 60_000));
        assertEquals(60_000, budget.used());
        // A second connection finds only 40,000 left.
        ParseBudget.Share b = budget.share();
        assertFalse(b.hold(FREE + 50_000));
        assertEquals(60_000, budget.used(), "a refusal takes nothing");
        assertTrue(b.hold(FREE + 40_000));
        assertEquals(100_000, budget.used());
        // The first one's stanza completes: its reservation is free again.
        assertTrue(a.hold(0));
        assertEquals(40_000, budget.used());
        b.close();
        assertEquals(0, budget.used());
    }

    @Test
    void zeroMeansAnEighthOfTheHeap() {
        assertEquals(Runtime.getRuntime().maxMemory() / 8, ParseBudget.of(0).capacity());
        assertEquals(123_456, ParseBudget.of(123_456).capacity());
    }
}
