package io.rookery.protocol.jid;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Timeout;

/**
 * The JID parser under Jazzer: any string is a JID or an InvalidJidException, never another exception; a JID's
 * canonical form parses back to an equal JID with the same form, and so do its parts and its bare JID (RFC 7622
 * §3.1: canonical forms are fixed points of preparation and enforcement).
 *
 * <p>Input: the bytes as UTF-8 (malformed bytes become U+FFFD). A normal test run replays the seeds in
 * {@code JidFuzzTestInputs}; {@code docs/fuzzing.md} says how to fuzz for longer.
 */
class JidFuzzTest {

    @FuzzTest(maxDuration = "5s")
    @Timeout(10)
    @DictionaryEntries({"@", "/", ".", "[", "]", "::1", "xn--", "\u3002", "\uFF0E", "\uFF20", "\u00DF", "\u03A3",
        "\u0130", "\u200D", "\u0301", "\uFE0F", "example.com", "\\20"})
    void parsedJidsPrintAndParseBackToThemselves(byte[] input) throws InvalidJidException {
        String s = new String(input, StandardCharsets.UTF_8);
        Jid jid;
        try {
            jid = Jid.parse(s);
        } catch (InvalidJidException e) {
            return;
        }
        String canonical = jid.toString();
        Jid again = Jid.parse(canonical);
        assertEquals(jid, again, canonical);
        assertEquals(canonical, again.toString());
        assertEquals(jid.hashCode(), again.hashCode());
        assertEquals(jid, Jid.of(jid.local(), jid.domain(), jid.resource()), canonical);
        assertEquals(jid.bare(), Jid.parse(jid.bare().toString()), canonical);
        assertEquals(jid, jid.bare().withResource(jid.resource()), canonical);
    }
}
