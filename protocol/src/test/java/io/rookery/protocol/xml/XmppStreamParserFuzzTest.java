package io.rookery.protocol.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.stanza.XmppStreamException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Timeout;

/**
 * The stream parser under Jazzer: a peer's bytes, cut anywhere, give events and at most one stream error at the
 * end, never another exception and never a loop; the same events and error however they are cut or compacted;
 * and every element parsed is written back by XmlWriter as XML that parses to an equal element.
 *
 * <p>A normal test run replays the seeds in {@code XmppStreamParserFuzzTestInputs} (and, without {@code -Dtest},
 * fuzzes for a few seconds: see the protocol pom). {@code docs/fuzzing.md} says how to fuzz for longer.
 */
class XmppStreamParserFuzzTest {
    /** Wide enough that the inputs a fuzzer tries reach only the limits that hold however the input is cut. */
    static final ParserLimits WIDE = ParserLimits.forMaxStanzaBytes(64 * 1024);
    /** Narrow enough that fuzzed inputs run into every limit. */
    static final ParserLimits NARROW = new ParserLimits(400, 1500, 6, 5, 3, 24);
    /** For parsing again what XmlWriter wrote of an element WIDE let through. */
    static final ParserLimits ROOMY = new ParserLimits(1 << 20, 1 << 30, 128, 1024, 1024, 1 << 20);

    @FuzzTest(maxDuration = "5s")
    @Timeout(10)
    @DictionaryFile(resourcePath = "xmpp-stream.dict")
    void anyBytesGiveEventsThenAtMostAStreamErrorAlikeInAnyChunking(byte[] input) {
        // The input decides its own cuts, so that every mutation tries other ones too.
        long seed = Arrays.hashCode(input);
        boolean endOfInput = (seed & 1) != 0;
        List<Object> whole = ParserDriver.run(input, WIDE, () -> input.length, endOfInput, false);
        checkShape(whole);
        Random cuts = new Random(seed);
        List<Object> byteByByte = ParserDriver.run(input, WIDE, () -> 1, endOfInput, false);
        List<Object> random = ParserDriver.run(input, WIDE, () -> 1 + cuts.nextInt(48), endOfInput, true);
        if (hasEmptyHexReference(input)) {
            // Not fixed: aalto 1.4 takes an empty hexadecimal character reference in an attribute value (&#x;)
            // as the character of the last reference it decoded (handleHexEntityInAttribute never enters its digit
            // loop), which depends on the cuts. The outcomes still have to have the same shape.
            checkShape(byteByByte);
            checkShape(random);
        } else {
            sameOutcome(whole, byteByByte, "byte by byte");
            sameOutcome(whole, random, "random, compacting");
        }
        checkShape(ParserDriver.run(input, NARROW, () -> 1 + cuts.nextInt(48), endOfInput, (seed & 2) != 0));
        for (Object event : whole) {
            if (event instanceof ParserEvent.ElementParsed parsed) {
                // written as the server writes stanzas: inside a stream whose default namespace is jabber:client
                StringBuilder xml = new StringBuilder(TestXml.HEADER);
                XmlWriter.write(parsed.element(), "jabber:client", xml);
                byte[] written = xml.toString().getBytes(StandardCharsets.UTF_8);
                List<Object> again = ParserDriver.run(written, ROOMY, () -> written.length, false, false);
                assertEquals(List.of(again.get(0), parsed), again, "written back and parsed again");
            }
        }
    }

    /**
     * As {@link ParserDriver#sameOutcome}, except that text between stanzas which is malformed XML as well (a NUL,
     * a bad character reference, {@code ]]>}) may end the stream with bad-format or with not-well-formed: aalto
     * reads text in tokens as long as the input at hand and checks a token before the parser sees any of it, so
     * whether the parser first sees a character that should not be there or aalto first finds one that cannot be
     * depends on the cuts. The stream ends after the same events either way.
     */
    private static void sameOutcome(List<Object> expected, List<Object> actual, String how) {
        int last = expected.size() - 1;
        if (last >= 0 && last == actual.size() - 1
                && expected.get(last) instanceof XmppStreamException x && actual.get(last) instanceof XmppStreamException y
                && EnumSet.of(x.condition(), y.condition()).equals(TEXT_BETWEEN_STANZAS)) {
            ParserDriver.sameOutcome(expected.subList(0, last), actual.subList(0, last), how);
            return;
        }
        ParserDriver.sameOutcome(expected, actual, how);
    }

    private static final Set<StreamErrorCondition> TEXT_BETWEEN_STANZAS =
            EnumSet.of(StreamErrorCondition.BAD_FORMAT, StreamErrorCondition.NOT_WELL_FORMED);

    private static boolean hasEmptyHexReference(byte[] input) {
        for (int i = 0; i + 3 < input.length; i++) {
            if (input[i] == '&' && input[i + 1] == '#' && input[i + 2] == 'x' && input[i + 3] == ';') {
                return true;
            }
        }
        return false;
    }

    /** Stream opened, elements, then closed or a stream error; ParserDriver lets nothing else through. */
    private static void checkShape(List<Object> events) {
        for (int i = 0; i < events.size(); i++) {
            Object e = events.get(i);
            boolean last = i == events.size() - 1;
            if (i == 0) {
                assertTrue(e instanceof ParserEvent.StreamOpened || e instanceof XmppStreamException, e::toString);
            } else if (!last) {
                assertInstanceOf(ParserEvent.ElementParsed.class, e);
            } else {
                assertTrue(e instanceof ParserEvent.ElementParsed || e instanceof ParserEvent.StreamClosed
                        || e instanceof XmppStreamException, e::toString);
            }
        }
    }
}
