package io.rookery.protocol.jid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JidTest {

    @Test
    void exposesPreparedParts() throws InvalidJidException {
        Jid jid = Jid.parse("Juliet@Example.COM/Balcony");
        assertEquals("juliet", jid.local());
        assertEquals("example.com", jid.domain());
        assertEquals("Balcony", jid.resource());
        assertTrue(jid.isFull());
        assertFalse(jid.isBare());
    }

    @Test
    void domainOnlyJidHasNeitherLocalNorResource() throws InvalidJidException {
        Jid jid = Jid.parse("example.com");
        assertNull(jid.local());
        assertNull(jid.resource());
        assertTrue(jid.isBare());
    }

    @Test
    void equalAddressesWrittenDifferentlyAreEqualAndHashAlike() throws InvalidJidException {
        Jid a = Jid.parse("ＪＵＬＩＥＴ@EXAMPLE.com./r");
        Jid b = Jid.parse("juliet@example.com/r");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(b, Jid.parse("juliet@example.com/R"));
        assertNotEquals(b, Jid.parse("juliet@example.com"));
        assertNotEquals(Jid.parse("example.com/r"), Jid.parse("r@example.com"));
    }

    @Test
    void bareDropsTheResourceAndKeepsBareJidsAsTheyAre() throws InvalidJidException {
        Jid full = Jid.parse("juliet@example.com/balcony");
        assertEquals(Jid.parse("juliet@example.com"), full.bare());
        Jid bare = full.bare();
        assertSame(bare, bare.bare());
    }

    @Test
    void withResourcePreparesAndValidatesTheResource() throws InvalidJidException {
        Jid bare = Jid.parse("juliet@example.com");
        assertEquals("juliet@example.com/a b", bare.withResource("a\u00A0b").toString());
        assertEquals(bare, bare.withResource("x").withResource(null));
        assertThrows(InvalidJidException.class, () -> bare.withResource(""));
        assertThrows(InvalidJidException.class, () -> bare.withResource("\u0007"));
    }

    @Test
    void ofValidatesEachPartAndAcceptsAbsentParts() throws InvalidJidException {
        assertEquals("juliet@example.com/r", Jid.of("Juliet", "EXAMPLE.com", "r").toString());
        assertEquals("example.com", Jid.of(null, "example.com", null).toString());
        assertThrows(InvalidJidException.class, () -> Jid.of("", "example.com", null));
        assertThrows(InvalidJidException.class, () -> Jid.of("a@b", "example.com", null));
        assertThrows(InvalidJidException.class, () -> Jid.of("juliet", "", null));
        assertThrows(InvalidJidException.class, () -> Jid.of("juliet", "example.com", ""));
    }

    @Test
    void refusesTheEmptyString() {
        assertThrows(InvalidJidException.class, () -> Jid.parse(""));
    }

    @Test
    void localpartMayHold1023BytesButNotMore() throws InvalidJidException {
        assertEquals(1023, Jid.parse("a".repeat(1023) + "@example.com").local().length());
        assertThrows(InvalidJidException.class, () -> Jid.parse("a".repeat(1024) + "@example.com"));
        // Counted in UTF-8 bytes: PI takes two.
        Jid.parse("π".repeat(511) + "a@example.com");
        assertThrows(InvalidJidException.class, () -> Jid.parse("π".repeat(512) + "@example.com"));
    }

    @Test
    void resourcepartMayHold1023BytesButNotMore() throws InvalidJidException {
        Jid.parse("juliet@example.com/" + "r".repeat(1023));
        assertThrows(InvalidJidException.class, () -> Jid.parse("juliet@example.com/" + "r".repeat(1024)));
        assertThrows(InvalidJidException.class, () -> Jid.parse("juliet@example.com/" + "€".repeat(342)));
    }

    @Test
    void domainpartMayHold1023BytesButNotMore() throws InvalidJidException {
        String label = "a".repeat(63);
        String longest = String.join(".", java.util.Collections.nCopies(16, label));
        assertEquals(1023, longest.length());
        assertEquals(longest, Jid.parse(longest).domain());
        String tooLong = String.join(".", java.util.Collections.nCopies(15, label)) + "." + "b".repeat(62) + ".c";
        assertEquals(1024, tooLong.length());
        assertThrows(InvalidJidException.class, () -> Jid.parse(tooLong));
    }

    @Test
    void refusesHugeInputWithoutPreparingIt() {
        assertThrows(InvalidJidException.class, () -> Jid.parse("x".repeat(1_000_000) + "@example.com"));
    }

    @Test
    void strippedTrailingDotDoesNotCountAsPartOfTheDomain() throws InvalidJidException {
        assertEquals(Jid.parse("juliet@example.com"), Jid.parse("juliet@example.com."));
    }
}
