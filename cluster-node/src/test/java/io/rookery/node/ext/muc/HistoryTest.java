package io.rookery.node.ext.muc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.muc.Muc;
import io.rookery.protocol.xml.Element;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** §7.2.15: what part of the discussion history a joining occupant gets, by each limit it may give. */
class HistoryTest {
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    private static History fiveMessagesAMinuteApart() {
        History h = new History(100);
        for (int i = 1; i <= 5; i++) {
            h.add(Element.builder("message", Namespaces.CLIENT).attr("type", "groupchat")
                    .child(Element.builder("body", Namespaces.CLIENT).text("m" + i).build()).build(),
                    T0.plusSeconds(60L * i));
        }
        return h;
    }

    private static List<String> bodies(List<History.Entry> entries) {
        return entries.stream().map(e -> e.message().childText("body", null)).toList();
    }

    private static final Instant NOW = T0.plusSeconds(330);

    @Test
    void withoutLimitsTheRoomsOwnMaximumApplies() {
        assertEquals(List.of("m3", "m4", "m5"), bodies(fiveMessagesAMinuteApart().select(Muc.History.DEFAULT, 3, NOW)));
    }

    @Test
    void maxstanzasTakesTheLastOnes() {
        assertEquals(List.of("m4", "m5"),
                bodies(fiveMessagesAMinuteApart().select(new Muc.History(-1, 2, -1, null), 20, NOW)));
        assertEquals(List.of(), bodies(fiveMessagesAMinuteApart().select(new Muc.History(-1, 0, -1, null), 20, NOW)));
    }

    @Test
    void maxcharsCountsWholeMessagesAndStopsBeforeTheOneThatDoesNotFit() {
        History h = fiveMessagesAMinuteApart();
        int one = h.select(new Muc.History(-1, 1, -1, null), 20, NOW).get(0).chars();
        assertEquals(List.of("m4", "m5"), bodies(h.select(new Muc.History(2 * one + one / 2, -1, -1, null), 20, NOW)));
        assertEquals(List.of(), bodies(h.select(new Muc.History(0, -1, -1, null), 20, NOW)));
    }

    @Test
    void secondsAndSinceKeepOnlyWhatCameAfter() {
        // Now is 5.5 minutes after T0: the last 150 seconds hold m4 (at 4 min) and m5 (at 5 min).
        assertEquals(List.of("m4", "m5"),
                bodies(fiveMessagesAMinuteApart().select(new Muc.History(-1, -1, 150, null), 20, NOW)));
        assertEquals(List.of("m3", "m4", "m5"), bodies(fiveMessagesAMinuteApart()
                .select(new Muc.History(-1, -1, -1, T0.plusSeconds(150)), 20, NOW)));
        // Both given: the later bound wins.
        assertEquals(List.of("m5"), bodies(fiveMessagesAMinuteApart()
                .select(new Muc.History(-1, -1, 60, T0.plusSeconds(150)), 20, NOW)));
    }

    @Test
    void olderMessagesReadBackFromTheArchiveComeBeforeTheNewerOnes() {
        History h = new History(3);
        Element late = Element.builder("message", Namespaces.CLIENT)
                .child(Element.builder("body", Namespaces.CLIENT).text("new").build()).build();
        h.add(late, T0.plusSeconds(600));
        List<History.Entry> older = List.of(
                new History.Entry(fiveMessagesAMinuteApart().select(Muc.History.DEFAULT, 5, NOW).get(2).message(),
                        T0.plusSeconds(180), 10),
                new History.Entry(fiveMessagesAMinuteApart().select(Muc.History.DEFAULT, 5, NOW).get(3).message(),
                        T0.plusSeconds(240), 10),
                // Read back but already held (the same time as the newest): not added twice.
                new History.Entry(late, T0.plusSeconds(600), 10));
        h.prependOlder(older);
        assertEquals(List.of("m3", "m4", "new"), bodies(h.select(Muc.History.DEFAULT, 10, T0.plusSeconds(700))));
    }

    @Test
    void theOldestMessagesLeaveOnceTheHistoryHoldsTooMuchXml() {
        History probe = fiveMessagesAMinuteApart();
        int one = probe.select(new Muc.History(-1, 1, -1, null), 20, NOW).get(0).chars();
        History h = new History(100, 2L * one + 1);
        for (int i = 1; i <= 5; i++) {
            h.add(Element.builder("message", Namespaces.CLIENT).attr("type", "groupchat")
                    .child(Element.builder("body", Namespaces.CLIENT).text("m" + i).build()).build(),
                    T0.plusSeconds(60L * i));
        }
        assertEquals(List.of("m4", "m5"), bodies(h.select(Muc.History.DEFAULT, 20, NOW)));
    }
}
