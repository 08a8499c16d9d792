package io.rookery.protocol.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** SASLprep's ASCII fast path gives what the full RFC 4013 preparation gives. */
class SaslPrepFastPathTest {
    @Test
    void printableAsciiIsPreparedAsTheFullPathPreparesIt() {
        Random r = new Random(5);
        for (int i = 0; i < 200_000; i++) {
            char[] s = new char[1 + r.nextInt(16)];
            for (int j = 0; j < s.length; j++) s[j] = (char) (' ' + r.nextInt('~' - ' ' + 1));
            String text = new String(s);
            assertEquals(SaslPrep.full(text), SaslPrep.prepare(text), text);
        }
    }

    @Test
    void controlsAndNonAsciiAreStillPreparedOrRefused() {
        assertThrows(IllegalArgumentException.class, () -> SaslPrep.prepare("pass\u0007word"));
        assertThrows(IllegalArgumentException.class, () -> SaslPrep.prepare("pass\u007fword"));
        // RFC 4013 §3 examples: a soft hyphen maps to nothing, a ligature to its letters, a non-ASCII space to ' '.
        assertEquals("IX", SaslPrep.prepare("I\u00adX"));
        assertEquals("IX", SaslPrep.prepare("\u2168"));
        assertEquals("a b", SaslPrep.prepare("a\u00a0b"));
    }
}
