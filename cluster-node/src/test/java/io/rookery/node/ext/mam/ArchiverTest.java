package io.rookery.node.ext.mam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Counter;
import io.rookery.node.ext.MessageStamp;
import io.rookery.node.ext.TestAccount;
import io.rookery.persistence.mam.ArchivePrefs;
import io.rookery.persistence.mam.ArchiveStore;
import io.rookery.persistence.mam.InMemoryArchiveStore;
import io.rookery.persistence.roster.Subscription;
import io.rookery.protocol.xep.sid.StanzaId;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What goes into an archive, under which id, and what the delivered copy then carries. */
class ArchiverTest {
    private static final String ALICE = "alice@example.com";
    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
    private final InMemoryArchiveStore store = new InMemoryArchiveStore();

    private Archiver archiver(int defaultMode) {
        return new Archiver(new MamSettings(defaultMode, 50, 250, 0, 100, 1 << 20, 1 << 20), () -> store, Clock.fixed(NOW, ZoneOffset.UTC),
                Counter.builder().name("archived").labelNames("direction").build(),
                Counter.builder().name("errors").labelNames("operation").build());
    }

    private static Element message(String type, String from, String extra) {
        return StoredXml.parse("<message xmlns='jabber:client' from='" + from + "' to='" + ALICE + "'"
                + (type == null ? "" : " type='" + type + "'") + ">" + extra + "</message>");
    }

    private List<ArchiveStore.Archived> archived(String view) {
        return store.range(ALICE, view, 0, Long.MAX_VALUE, false, 100).toCompletableFuture().join();
    }

    @Test
    void chatAndNormalMessagesWithContentAreArchivedAndTheRestIsNot() {
        assertTrue(Archiver.archivable(message("chat", "bob@x", "<body>hi</body>")));
        assertTrue(Archiver.archivable(message(null, "bob@x", "<body>hi</body>")));
        assertTrue(Archiver.archivable(message("normal", "bob@x", "<body>hi</body>")));
        assertTrue(Archiver.archivable(message("chat", "bob@x", "<store xmlns='urn:xmpp:hints'/>")));
        assertTrue(Archiver.archivable(message("chat", "bob@x",
                "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'/></encrypted>")));
        assertFalse(Archiver.archivable(message("chat", "bob@x",
                "<active xmlns='http://jabber.org/protocol/chatstates'/>")), "a chat state alone");
        assertFalse(Archiver.archivable(message("headline", "bob@x", "<body>news</body>")));
        assertFalse(Archiver.archivable(message("groupchat", "room@muc.x/nick", "<body>hi</body>")));
        assertFalse(Archiver.archivable(message("error", "bob@x", "<body>hi</body>")));
        assertFalse(Archiver.archivable(message("chat", "bob@x", "<body>hi</body><no-store xmlns='urn:xmpp:hints'/>")));
        assertFalse(Archiver.archivable(message("chat", "bob@x",
                "<body>hi</body><no-permanent-store xmlns='urn:xmpp:hints'/>")));
    }

    @Test
    void anArchivedMessageCarriesItsIdAndAForgedOneIsReplaced() {
        Element forged = message("chat", "bob@example.net/phone",
                "<body>hi</body><stanza-id xmlns='urn:xmpp:sid:0' by='" + ALICE + "' id='forged'/>");
        MessageStamp.Stamped stamped = archiver(ArchivePrefs.ALWAYS).inbound(TestAccount.of(ALICE), forged);
        // What a sender's acknowledgement waits for: the archive write, done by now (the store is in memory).
        assertNotNull(stamped.stored());
        assertTrue(stamped.stored().toCompletableFuture().isDone());
        Element delivered = stamped.message();
        String id = StanzaId.of(delivered, ALICE);
        assertNotNull(id);
        assertFalse("forged".equals(id));
        assertEquals(1, delivered.children("stanza-id", StanzaId.NS).size());
        // Kept in the whole archive, under the contact's bare JID and under its full JID, with the stamped copy.
        for (String view : List.of(ArchiveStore.ALL, "bob@example.net", "bob@example.net/phone")) {
            List<ArchiveStore.Archived> rows = archived(view);
            assertEquals(1, rows.size(), view);
            assertEquals(Long.parseLong(id), rows.get(0).id());
            assertEquals(delivered, StoredXml.parse(rows.get(0).stanzaXml()));
        }
        // When it was archived (or later: ids never go back, and other tests in this JVM may have taken later ones).
        assertFalse(ArchiveIds.instant(Long.parseLong(id)).isBefore(NOW));
    }

    @Test
    void aMessageNotArchivedLosesAnyIdClaimingToBeTheArchives() {
        Element forged = message("chat", "bob@example.net", "<body>hi</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='" + ALICE + "' id='forged'/>");
        MessageStamp.Stamped stamped = archiver(ArchivePrefs.NEVER).inbound(TestAccount.of(ALICE), forged);
        assertNull(stamped.stored(), "nothing stored, nothing to wait for");
        Element delivered = stamped.message();
        assertNull(StanzaId.of(delivered, ALICE));
        assertTrue(archived(ArchiveStore.ALL).isEmpty());
        Element plain = message("chat", "bob@example.net", "<body>hi</body>");
        assertSame(plain, archiver(ArchivePrefs.NEVER).inbound(TestAccount.of(ALICE), plain).message(),
                "nothing to strip");
    }

    @Test
    void preferencesDecideByTheContactsBareJid() {
        Archiver roster = archiver(ArchivePrefs.ALWAYS);
        TestAccount account = TestAccount.of(ALICE).contact("friend@x", Subscription.BOTH)
                .with(MamModule.PREFS, new ArchivePrefs(ArchivePrefs.ROSTER, List.of("boss@x"), List.of("friend@x")));
        assertFalse(roster.wanted(account, "friend@x"), "never wins over the roster");
        assertTrue(roster.wanted(account, "boss@x"), "always wins over the default");
        assertFalse(roster.wanted(account, "stranger@x"), "roster mode: not on the roster");
        assertTrue(roster.wanted(TestAccount.of(ALICE).contact("friend@x", Subscription.NONE)
                .with(MamModule.PREFS, new ArchivePrefs(ArchivePrefs.ROSTER, List.of(), List.of())), "friend@x"));
        // No preferences set: the node's default.
        assertTrue(archiver(ArchivePrefs.ALWAYS).wanted(TestAccount.of(ALICE), "stranger@x"));
        assertFalse(archiver(ArchivePrefs.NEVER).wanted(TestAccount.of(ALICE), "stranger@x"));
    }

    @Test
    void aSentMessageIsArchivedUnderTheContactItWasSentTo() {
        Element sent = StoredXml.parse("<message xmlns='jabber:client' from='" + ALICE + "/desk' "
                + "to='bob@example.net' type='chat'><body>out</body></message>");
        Element own = archiver(ArchivePrefs.ALWAYS).outbound(TestAccount.of(ALICE), sent);
        List<ArchiveStore.Archived> rows = archived("bob@example.net");
        assertEquals(1, rows.size());
        assertEquals("bob@example.net", rows.get(0).peer());
        assertNull(StanzaId.of(StoredXml.parse(rows.get(0).stanzaXml()), ALICE));
        // The user's own copy (for sent carbons) carries the archive's id; the contact's copy never passes here.
        assertEquals(Long.toString(rows.get(0).id()), StanzaId.of(own, ALICE));
        Element notKept = archiver(ArchivePrefs.NEVER).outbound(TestAccount.of(ALICE), sent);
        assertNull(StanzaId.of(notKept, ALICE));
    }

    @Test
    void idsOrderByTimeStrictlyIncreaseAndBracketAnInstant() {
        long a = ArchiveIds.next(NOW.toEpochMilli());
        long b = ArchiveIds.next(NOW.toEpochMilli());
        long c = ArchiveIds.next(NOW.toEpochMilli() - 60_000);
        assertTrue(a < b && b < c, "strictly increasing even when the clock stands still or steps back");
        Instant later = NOW.plusSeconds(3600);
        long d = ArchiveIds.next(later.toEpochMilli());
        assertTrue(ArchiveIds.atOrAfter(later) <= d && d <= ArchiveIds.atOrBefore(later));
        assertEquals(later, ArchiveIds.instant(d));
        assertTrue(ArchiveIds.atOrBefore(later.minusNanos(1000)) < d);
        assertEquals(d, ArchiveIds.parse(Long.toString(d)));
        for (String bad : new String[] {"", "-1", "12a", "99999999999999999999", "1e9"}) {
            assertEquals(-1, ArchiveIds.parse(bad), bad);
        }
    }
}
