package io.rookery.protocol.jid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JidCorpusTest {

    static Stream<Arguments> validJids() {
        return JidCorpus.read("valid-jids.txt").stream().map(f -> Arguments.of(f[0], f[1]));
    }

    static Stream<Arguments> invalidJids() {
        return JidCorpus.read("invalid-jids.txt").stream().map(f -> Arguments.of(f[0], f.length > 1 ? f[1] : ""));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("validJids")
    void parsesValidJidToItsCanonicalForm(String input, String canonical) throws InvalidJidException {
        Jid jid = Jid.parse(input);
        assertEquals(canonical, jid.toString());
        // The canonical form is a fixed point: parsing it again gives the same JID.
        assertEquals(jid, Jid.parse(jid.toString()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("invalidJids")
    void refusesInvalidJid(String input, String why) {
        assertThrows(InvalidJidException.class, () -> Jid.parse(input), why);
    }

    @Test
    void corpusHoldsAtLeastThirtyCasesEach() {
        List<String[]> valid = JidCorpus.read("valid-jids.txt");
        List<String[]> invalid = JidCorpus.read("invalid-jids.txt");
        assertTrue(valid.size() >= 30, "valid cases: " + valid.size());
        assertTrue(invalid.size() >= 30, "invalid cases: " + invalid.size());
        for (String[] row : valid) assertEquals(2, row.length, "valid row needs input TAB canonical: " + row[0]);
    }
}
