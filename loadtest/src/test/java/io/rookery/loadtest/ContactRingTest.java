package io.rookery.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContactRingTest {

    @Test
    void everyUserHasExactlyKDistinctMutualContactsAndSlotsRoundTrip() {
        for (int users = 2; users <= 13; users++) {
            for (int k = 1; k < users; k++) {
                if (k % 2 == 1 && users % 2 == 1) continue;
                ContactRing ring = new ContactRing(users, k, 1, "u%d", "d");
                for (int p = 0; p < users; p++) {
                    Set<Integer> seen = new HashSet<>();
                    for (int s = 0; s < k; s++) {
                        int q = ring.contact(p, s);
                        assertTrue(q >= 0 && q < users && q != p, "n=" + users + " k=" + k + " p=" + p + " s=" + s);
                        assertTrue(seen.add(q), "no contact twice: n=" + users + " k=" + k + " p=" + p);
                        assertEquals(s, ring.slotOf(p, q), "slot of the contact back");
                        assertTrue(ring.slotOf(q, p) >= 0, "mutual: n=" + users + " k=" + k + " p=" + p + " q=" + q);
                    }
                    for (int q = 0; q < users; q++) {
                        if (!seen.contains(q)) assertEquals(-1, ring.slotOf(p, q), "not a contact");
                    }
                }
            }
        }
    }

    @Test
    void contactsAreTheNeighboursAndForAnOddKTheUserOpposite() {
        ContactRing four = new ContactRing(20, 4, 1, "load%d", "localhost");
        assertEquals(List.of(1, 2, 19, 18), List.of(four.contact(0, 0), four.contact(0, 1), four.contact(0, 2),
                four.contact(0, 3)));
        ContactRing three = new ContactRing(10, 3, 1, "load%d", "localhost");
        assertEquals(List.of(6, 4, 0), List.of(three.contact(5, 0), three.contact(5, 1), three.contact(5, 2)),
                "+1, -1, then the user opposite");
    }

    @Test
    void anOddKWithAnOddNumberOfUsersCannotBeMutualAndIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ContactRing(7, 3, 1, "u%d", "d"));
        assertThrows(IllegalArgumentException.class, () -> new ContactRing(5, 5, 1, "u%d", "d"));
    }

    @Test
    void jidsMapBackToPositionsOnlyForUsersOfTheRun() {
        ContactRing ring = new ContactRing(100, 4, 10, "Bot-%d-x", "Example.org");
        assertEquals(0, ring.positionOf("bot-10-x@example.org"));
        assertEquals(99, ring.positionOf("BOT-109-X@EXAMPLE.ORG/loadtest"));
        assertEquals(5, ring.positionOf("bot-15-x@example.org/a/b@c"));
        assertEquals(-1, ring.positionOf("bot-9-x@example.org"), "below --first");
        assertEquals(-1, ring.positionOf("bot-110-x@example.org"), "beyond --users");
        assertEquals(-1, ring.positionOf("bot-015-x@example.org"), "%d never pads");
        assertEquals(-1, ring.positionOf("bot-15-x@example.net"), "other domain");
        assertEquals(-1, ring.positionOf("bot-15-y@example.org"));
        assertEquals(-1, ring.positionOf("bot--x@example.org"));
        assertEquals(-1, ring.positionOf("bot-1a-x@example.org"));
        assertEquals(-1, ring.positionOf("example.org"));
        assertEquals(-1, ring.positionOf("bot-99999999999999999999-x@example.org"));
        assertEquals(-1, ring.positionOf(null));
        assertEquals("bot-15-x@example.org", ring.bareJid(5));
        assertFalse(ring.bareJid(5).contains("%"));
    }

    @Test
    void theOnlineSetCountsAvailableContacts() {
        ContactRing ring = new ContactRing(130, 6, 1, "u%d", "d");
        OnlineSet online = new OnlineSet(130);
        assertEquals(0, online.contactsOnline(ring, 0));
        for (int p : new int[] {1, 2, 3, 4, 127, 129, 64}) online.set(p);
        online.set(1);
        assertEquals(5, online.contactsOnline(ring, 0), "1, 2, 3, 127, 129; not 4 or 64");
        online.clear(2);
        online.clear(2);
        assertEquals(4, online.contactsOnline(ring, 0));
        assertTrue(online.contains(64));
        assertFalse(online.contains(63));
    }
}
