package io.rookery.protocol.jid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The ASCII fast paths of JID preparation give what PRECIS and IDNA give: every string drawn here that a fast path
 * takes is also prepared the full way, and both must agree on the result or on refusing it.
 */
class JidPartsFastPathTest {
    private static final int DRAWS = 200_000;

    /** The full path's answer: the prepared string, or "!" for a refusal. */
    private interface Full {
        String prepare(String s) throws InvalidJidException;
    }

    private static String outcome(Full f, String s) {
        try {
            return f.prepare(s);
        } catch (InvalidJidException e) {
            return "!";
        }
    }

    private static String draw(Random r, String alphabet, int maxLength) {
        int n = 1 + r.nextInt(maxLength);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return b.toString();
    }

    private static String ascii(char from, char to) {
        StringBuilder b = new StringBuilder();
        for (char c = from; c <= to; c++) b.append(c);
        return b.toString();
    }

    @Test
    void printableAsciiLocalpartsAreLowerCasedExactlyAsByPrecis() {
        Random r = new Random(2);
        String alphabet = ascii('!', '~');
        for (int i = 0; i < DRAWS; i++) {
            String s = draw(r, alphabet, 12);
            assertTrue(JidParts.isPrintableAscii(s, '!'));
            // localpart() checks the forbidden characters and the length after either path: compare what is before.
            assertEquals(outcome(JidParts::enforceLocalpart, s), s.toLowerCase(java.util.Locale.ROOT), s);
        }
    }

    @Test
    void printableAsciiResourcepartsAreLeftAsTheyAreAsByPrecis() {
        Random r = new Random(3);
        String alphabet = ascii(' ', '~');
        for (int i = 0; i < DRAWS; i++) {
            String s = draw(r, alphabet, 12);
            assertTrue(JidParts.isPrintableAscii(s, ' '));
            assertEquals(outcome(JidParts::enforceResourcepart, s), s, s);
        }
    }

    @Test
    void controlsAndNonAsciiTakeTheFullPath() {
        assertTrue(!JidParts.isPrintableAscii("a\u0007b", ' '));
        assertTrue(!JidParts.isPrintableAscii("a\u007fb", ' '));
        assertTrue(!JidParts.isPrintableAscii("a b", '!'));
        assertTrue(!JidParts.isPrintableAscii("caf\u00e9", ' '));
        assertEquals("!", outcome(JidParts::resourcepart, "a\u0007b"));
        assertEquals("!", outcome(JidParts::localpart, "a b"));
        assertEquals("café", outcome(JidParts::localpart, "CAF\u00c9"));
    }

    @Test
    void ldhDomainsAreWhatIdnaMakesOfThemAndTheRestIsLeftToIt() {
        Random r = new Random(4);
        // Mostly valid-looking names, with the characters that make labels invalid mixed in.
        String alphabet = "abcXYZ019-..-_x" + "n";
        int taken = 0;
        for (int i = 0; i < DRAWS; i++) {
            String s = draw(r, alphabet, 14);
            if (s.startsWith(".") || s.endsWith(".")) continue;
            String fast = JidParts.ldhDomain(s);
            if (fast == null) continue;
            taken++;
            assertEquals(outcome(JidParts::idnDomain, s), fast, s);
        }
        assertTrue(taken > DRAWS / 10, "too few draws took the fast path: " + taken);
        String long63 = "a".repeat(63);
        assertNotNull(JidParts.ldhDomain(long63 + ".example"));
        assertNull(JidParts.ldhDomain(long63 + "a.example"));
        assertNull(JidParts.ldhDomain("xn--caf-dma.example"), "A-labels take the full path");
        assertNull(JidParts.ldhDomain("-a.example"));
        assertNull(JidParts.ldhDomain("a-.example"));
        assertNull(JidParts.ldhDomain("a..example"));
        assertNull(JidParts.ldhDomain("under_score.example"));
        assertEquals("example.com", JidParts.ldhDomain("Example.COM"));
    }
}
