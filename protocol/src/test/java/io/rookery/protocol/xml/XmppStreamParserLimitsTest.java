package io.rookery.protocol.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.stanza.XmppStreamException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The limits of {@link ParserLimits} other than bytes of input (those are in XmppStreamParserRefusalTest). */
class XmppStreamParserLimitsTest {
    static final String HEADER = TestXml.HEADER;
    /** Small limits keep byte-by-byte runs quick; the defaults scale with the stanza size. */
    static final ParserLimits SMALL = ParserLimits.forMaxStanzaBytes(16 * 1024);

    @Test
    void defaultsScaleWithTheStanzaLimitAndKeepTheOldConstructorsMeaning() {
        assertEquals(new ParserLimits(256 * 1024, 1024 * 1024, 128, 64, 32, 1024), ParserLimits.DEFAULTS);
        assertEquals(new ParserLimits(1000, 4000, 128, 64, 32, 1024), ParserLimits.forMaxStanzaBytes(1000));
        assertEquals(Integer.MAX_VALUE, ParserLimits.forMaxStanzaBytes(Integer.MAX_VALUE).maxRetainedBytes());
        assertThrows(IllegalArgumentException.class, () -> ParserLimits.forMaxStanzaBytes(0));
        assertThrows(IllegalArgumentException.class, () -> SMALL.withMaxRetainedBytes(-1));
        assertThrows(IllegalArgumentException.class, () -> SMALL.withMaxDepth(0));
        assertThrows(IllegalArgumentException.class, () -> SMALL.withMaxAttributes(0));
        assertThrows(IllegalArgumentException.class, () -> SMALL.withMaxNamespaceDeclarations(0));
        assertThrows(IllegalArgumentException.class, () -> SMALL.withMaxNewNames(0));
        assertThrows(IllegalArgumentException.class, () -> new XmppStreamParser(0));
    }

    // --- retained heap ---

    @Test
    void manySmallChildrenAreRefusedLongBeforeTheirBytesWould() {
        // 10 bytes of input, about 130 bytes of heap each: the byte limit alone let 250 KB of these hold 3.2 MiB
        String children = "<x a='b'/>".repeat(1600);
        assertPolicyViolation(HEADER + "<message>" + children, SMALL);
        assertPolicyViolation(HEADER + "<message>" + children + "</message>", SMALL);
        List<Object> roomy = ParserDriver.inAnyChunking(HEADER + "<message>" + children + "</message>",
                SMALL.withMaxRetainedBytes(1 << 20));
        assertEquals(1600, assertInstanceOf(ParserEvent.ElementParsed.class, roomy.get(1)).element().children().size());
    }

    @Test
    void theHeapAnUnfinishedElementHoldsIsReportedAndFallsToZeroWhenItCompletes() throws Exception {
        XmppStreamParser parser = new XmppStreamParser(SMALL.withMaxRetainedBytes(1 << 20));
        byte[] open = (HEADER + "<message>" + "<x a='b'/>".repeat(500)).getBytes(StandardCharsets.UTF_8);
        parser.feed(open, 0, open.length);
        assertInstanceOf(ParserEvent.StreamOpened.class, parser.next());
        assertNull(parser.next());
        long held = parser.retainedBytes();
        assertTrue(held >= 500L * ElementStack.ELEMENT_BYTES, "held " + held);
        byte[] close = "</message>".getBytes(StandardCharsets.UTF_8);
        parser.feed(close, 0, close.length);
        assertInstanceOf(ParserEvent.ElementParsed.class, parser.next());
        assertEquals(0, parser.retainedBytes());
    }

    @Test
    void textInterleavedWithChildrenIsRefused() {
        assertPolicyViolation(HEADER + "<message>" + "a<x/>".repeat(3000), SMALL);
    }

    @Test
    void eachElementCountsAgainstTheRetainedLimit() {
        // room for the header while aalto reads it, and for twenty elements
        ParserLimits limits = SMALL.withMaxRetainedBytes(ElementStack.ELEMENT_BYTES * 20);
        List<Object> fits = ParserDriver.inAnyChunking(HEADER + "<message>" + "<x/>".repeat(15) + "</message>",
                limits);
        assertEquals(15, assertInstanceOf(ParserEvent.ElementParsed.class, fits.get(1)).element().children().size());
        assertPolicyViolation(HEADER + "<message>" + "<x/>".repeat(20) + "</message>", limits);
    }

    @Test
    void aStanzaOfTheMaximumSizeMadeOfTextFitsTheDefaults() {
        int max = SMALL.maxStanzaBytes();
        String open = "<message><body>";
        String close = "</body></message>";
        int room = max - open.length() - close.length();
        for (String body : List.of("a".repeat(room), "\u00e9".repeat(room / 2), "\u4e2d".repeat(room / 3),
                "\uD83D\uDE00".repeat(room / 4), "<![CDATA[" + "a".repeat(room - 12) + "]]>",
                "a&amp;".repeat(room / 6))) {
            String stanza = open + body + close;
            assertTrue(stanza.getBytes(StandardCharsets.UTF_8).length <= max);
            List<Object> events = ParserDriver.inAnyChunking(HEADER + stanza, SMALL);
            assertEquals(2, events.size(), () -> body.substring(0, 20) + ": " + events.get(events.size() - 1));
        }
        String attribute = "<message id='" + "a".repeat(max - 16) + "'/>";
        assertEquals(2, ParserDriver.inAnyChunking(HEADER + attribute, SMALL).size());
    }

    @Test
    void aStructuredStanzaOfTwoThirdsTheMaximumSizeFitsTheDefaults() {
        // XEP-0048 bookmarks in private storage: about four bytes of heap per byte of input
        StringBuilder sb = new StringBuilder("<iq type='set' id='b1'><query xmlns='jabber:iq:private'>"
                + "<storage xmlns='storage:bookmarks'>");
        while (sb.length() < SMALL.maxStanzaBytes() * 2 / 3) {
            sb.append("<conference autojoin='true' jid='room").append(sb.length())
                    .append("@conference.example.com' name='Room'><nick>juliet</nick></conference>");
        }
        sb.append("</storage></query></iq>");
        List<Object> events = ParserDriver.inAnyChunking(HEADER + sb, SMALL);
        assertEquals(2, events.size(), () -> events.get(events.size() - 1).toString());
    }

    @Test
    void aTokenAaltoStillBuffersCountsAgainstTheRetainedLimit() {
        // aalto holds an unfinished CDATA section, comment or start tag whole; nothing reaches the tree yet
        ParserLimits limits = SMALL.withMaxRetainedBytes(8 * 1024);
        assertPolicyViolation(HEADER + "<message><body><![CDATA[" + "a".repeat(3000), limits);
        assertPolicyViolation(HEADER + "<message><!--" + "a".repeat(3000), limits);
        assertPolicyViolation(HEADER + "<message id='" + "a".repeat(3000), limits);
        assertPolicyViolation(HEADER + "<!--" + "a".repeat(3000), limits);
        // Text is handed over as it arrives and counts two bytes a character
        assertPolicyViolation(HEADER + "<message><body>" + "a".repeat(4100), limits);
        assertEquals(2, ParserDriver.inAnyChunking(HEADER + "<message><body>" + "a".repeat(3900)
                + "</body></message>", limits).size());
    }

    @Test
    void nestingIsBoundedByTheLimit() {
        ParserLimits limits = SMALL.withMaxDepth(3);
        assertEquals(2, ParserDriver.inAnyChunking(HEADER + "<a><b><c/></b></a>", limits).size());
        assertPolicyViolation(HEADER + "<a><b><c><d/></c></b></a>", limits);
    }

    // --- attributes, namespace declarations, names: aalto's costs grow with their square ---

    @Test
    void attributesPastTheLimitAreRefused() {
        assertEquals(2, ParserDriver.inAnyChunking(HEADER + "<message" + numbered(64, " a", "=''") + "/>", SMALL)
                .size());
        assertPolicyViolation(HEADER + "<message" + numbered(65, " a", "=''") + "/>", SMALL);
        assertPolicyViolation(HEADER + "<message><x" + numbered(65, " a", "=''") + "/></message>", SMALL);
        assertPolicyViolation(XmppStreamParserRefusalTest.OPEN + numbered(65, " a", "=''") + " version='1.0'>",
                SMALL);
    }

    @Test
    void aStartTagWithTooManyAttributesIsRefusedBeforeItEnds() {
        // no end to the tag: the refusal can only come from counting inside it
        assertPolicyViolation(HEADER + "<message" + numbered(1500, " a", "=''"), SMALL, "attributes");
        assertPolicyViolation(HEADER + "<message xmlns:a='u'" + numbered(1200, " a:x", "=''"), SMALL, "attributes");
    }

    @Test
    void namespaceDeclarationsPastTheLimitAreRefused() {
        assertEquals(2, ParserDriver.inAnyChunking(HEADER + "<message" + numbered(32, " xmlns:p", "='u'") + "/>",
                SMALL).size());
        assertPolicyViolation(HEADER + "<message" + numbered(33, " xmlns:p", "='u'") + "/>", SMALL);
        assertPolicyViolation(HEADER + "<message" + numbered(800, " xmlns:p", "='u'"), SMALL,
                "namespace declarations");
    }

    @Test
    void namesNewToTheReaderAreLimitedPerTopLevelElement() {
        ParserLimits limits = SMALL.withMaxNewNames(100);
        assertEquals(2, ParserDriver.inAnyChunking(HEADER + "<message>" + numbered(100, "<e", "/>") + "</message>",
                limits).size());
        assertPolicyViolation(HEADER + "<message>" + numbered(101, "<e", "/>") + "</message>", limits);
        assertPolicyViolation(HEADER + "<message><x" + numbered(50, " a", "=''") + "/><x"
                + numbered(51, " b", "=''") + "/></message>", limits);
        assertPolicyViolation(HEADER + "<message>" + numbered(1500, "<e", "/>"), SMALL, "new names");
    }

    @Test
    void eachTopLevelElementMayBringItsOwnNewNames() {
        StringBuilder sb = new StringBuilder(HEADER);
        for (int i = 0; i < 12; i++) {
            sb.append("<message>").append(numbered(100, "<e" + i + "_", "/>")).append("</message>");
        }
        List<Object> events = ParserDriver.inAnyChunking(sb.toString(), ParserLimits.forMaxStanzaBytes(8 * 1024)
                .withMaxNewNames(100));
        assertEquals(13, events.size(), () -> events.get(events.size() - 1).toString());
    }

    static String numbered(int count, String before, String after) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sb.append(before).append(i).append(after);
        }
        return sb.toString();
    }

    static void assertPolicyViolation(String input, ParserLimits limits) {
        assertCondition(StreamErrorCondition.POLICY_VIOLATION, input.getBytes(StandardCharsets.UTF_8), limits);
    }

    /** As above, and the error's text names {@code what}: this limit and not another refused the input. */
    static void assertPolicyViolation(String input, ParserLimits limits, String what) {
        XmppStreamException x = assertCondition(StreamErrorCondition.POLICY_VIOLATION,
                input.getBytes(StandardCharsets.UTF_8), limits);
        assertTrue(x.text().contains(what), x::getMessage);
    }

    static XmppStreamException assertCondition(StreamErrorCondition expected, byte[] input, ParserLimits limits) {
        List<Object> events = ParserDriver.inAnyChunking(input, limits);
        Object last = events.get(events.size() - 1);
        XmppStreamException x = assertInstanceOf(XmppStreamException.class, last, events::toString);
        assertEquals(expected, x.condition(), x::getMessage);
        return x;
    }
}
