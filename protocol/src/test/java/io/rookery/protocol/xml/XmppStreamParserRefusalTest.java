package io.rookery.protocol.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.stanza.XmppStreamException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class XmppStreamParserRefusalTest {
    static final String HEADER = TestXml.HEADER;
    static final String OPEN = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'";

    static Stream<Arguments> refusedInputs() {
        return Stream.of(
                // RFC 6120 §11.1 restricted XML
                Arguments.of("doctype", "<?xml version='1.0'?><!DOCTYPE stream:stream>" + OPEN + " version='1.0'>",
                        StreamErrorCondition.RESTRICTED_XML, 0),
                Arguments.of("internal subset", "<!DOCTYPE stream:stream [<!ENTITY x 'y'>]>" + OPEN + ">",
                        StreamErrorCondition.NOT_WELL_FORMED, 0),
                Arguments.of("entity reference", HEADER + "<message><body>&foo;</body></message>",
                        StreamErrorCondition.RESTRICTED_XML, 1),
                Arguments.of("entity reference in attribute", HEADER + "<message to='&foo;'/>",
                        StreamErrorCondition.NOT_WELL_FORMED, 1),
                Arguments.of("processing instruction", HEADER + "<message><?foo bar?></message>",
                        StreamErrorCondition.RESTRICTED_XML, 1),
                Arguments.of("processing instruction before the stream",
                        "<?xml version='1.0'?><?xml-stylesheet href='x'?>" + OPEN + " version='1.0'>",
                        StreamErrorCondition.RESTRICTED_XML, 0),
                Arguments.of("comment in a stanza", HEADER + "<message><!-- hi --></message>",
                        StreamErrorCondition.RESTRICTED_XML, 1),
                Arguments.of("comment between stanzas", HEADER + "<presence/><!-- hi -->",
                        StreamErrorCondition.RESTRICTED_XML, 2),
                // characters XML 1.0 does not allow
                Arguments.of("null character reference", HEADER + "<message><body>&#x0;</body></message>",
                        StreamErrorCondition.NOT_WELL_FORMED, 1),
                Arguments.of("raw control character", HEADER + "<message><body>a\u0001b</body></message>",
                        StreamErrorCondition.NOT_WELL_FORMED, 1),
                Arguments.of("control character in attribute", HEADER + "<message id='a\u0001'/>",
                        StreamErrorCondition.NOT_WELL_FORMED, 1),
                Arguments.of("surrogate character reference", HEADER + "<message><body>&#xD800;</body></message>",
                        StreamErrorCondition.NOT_WELL_FORMED, 1),
                Arguments.of("U+FFFE", HEADER + "<message><body>&#xFFFE;</body></message>",
                        StreamErrorCondition.NOT_WELL_FORMED, 1),
                // aalto needs as many bytes as the expected name before it can tell a shorter end tag is wrong
                Arguments.of("mismatched end tag", HEADER + "<message></iq><presence/>",
                        StreamErrorCondition.NOT_WELL_FORMED, 1),
                Arguments.of("undeclared prefix", HEADER + "<foo:bar/>", StreamErrorCondition.NOT_WELL_FORMED, 1),
                // aalto takes xmlns: as declaring the prefix "" (found by XmppStreamParserFuzzTest)
                Arguments.of("xmlns: without a prefix on the stream", "<stream:stream xmlns:='jabber:client'"
                        + " xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
                        StreamErrorCondition.NOT_WELL_FORMED, 0),
                // aalto takes a prefixed name whose local part is no NCName (found by XmppStreamParserFuzzTest)
                Arguments.of("local part starting with a digit", HEADER + "<message><p:3x xmlns:p='urn:p'/></message>",
                        StreamErrorCondition.NOT_WELL_FORMED, 1),
                Arguments.of("attribute local part starting with a dot", HEADER
                        + "<message xmlns:p='urn:p' p:.a='1'/>", StreamErrorCondition.NOT_WELL_FORMED, 1),
                Arguments.of("xmlns: without a prefix in a stanza", HEADER + "<message><x xmlns:='urn:x'/></message>",
                        StreamErrorCondition.NOT_WELL_FORMED, 1),
                Arguments.of("text between stanzas", HEADER + "<presence/>hello", StreamErrorCondition.BAD_FORMAT, 2),
                // the stream header, RFC 6120 §4.7-4.8
                Arguments.of("wrong stream namespace", "<stream:stream xmlns='jabber:client'"
                        + " xmlns:stream='http://example.org/streams' version='1.0'>",
                        StreamErrorCondition.INVALID_NAMESPACE, 0),
                Arguments.of("wrong default namespace", "<stream:stream xmlns='jabber:server'"
                        + " xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
                        StreamErrorCondition.INVALID_NAMESPACE, 0),
                Arguments.of("missing default namespace",
                        "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
                        StreamErrorCondition.INVALID_NAMESPACE, 0),
                Arguments.of("other stream prefix", "<s:stream xmlns='jabber:client'"
                        + " xmlns:s='http://etherx.jabber.org/streams' version='1.0'>",
                        StreamErrorCondition.BAD_NAMESPACE_PREFIX, 0),
                Arguments.of("root is not stream", "<stream:features xmlns='jabber:client'"
                        + " xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
                        StreamErrorCondition.BAD_FORMAT, 0),
                Arguments.of("version 2.0", OPEN + " version='2.0'>", StreamErrorCondition.UNSUPPORTED_VERSION, 0),
                Arguments.of("version missing", OPEN + ">", StreamErrorCondition.UNSUPPORTED_VERSION, 0),
                Arguments.of("latin-1 declared", "<?xml version='1.0' encoding='ISO-8859-1'?>" + OPEN
                        + " version='1.0'>", StreamErrorCondition.UNSUPPORTED_ENCODING, 0),
                Arguments.of("XML 1.1", "<?xml version='1.1'?>" + OPEN + " version='1.0'>",
                        StreamErrorCondition.RESTRICTED_XML, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedInputs")
    void refusedInputGetsItsStreamErrorInAnyChunking(String what, String input, StreamErrorCondition expected,
            int eventsBefore) {
        List<Object> whole = ParserDriver.whole(input, 64 * 1024);
        assertEquals(eventsBefore + 1, whole.size(), whole::toString);
        assertEquals(expected, assertInstanceOf(XmppStreamException.class, whole.get(eventsBefore)).condition());
        assertSameOutcome(whole, ParserDriver.byteByByte(input, 64 * 1024));
        for (long seed = 1; seed <= 3; seed++) {
            assertSameOutcome(whole, ParserDriver.randomChunks(input, 64 * 1024, seed));
        }
    }

    @Test
    void rawInvalidUtf8IsNotWellFormed() {
        byte[] head = (HEADER + "<message><body>").getBytes(StandardCharsets.UTF_8);
        byte[] input = concat(head, new byte[] {(byte) 0xFF, 'x'}, "</body></message>".getBytes());
        List<Object> events = ParserDriver.run(input, 1024, () -> 3, false);
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED,
                assertInstanceOf(XmppStreamException.class, events.get(events.size() - 1)).condition());
    }

    @Test
    void rawNulByteIsNotWellFormed() {
        byte[] input = concat(HEADER.getBytes(StandardCharsets.UTF_8), "<message><body>a".getBytes(),
                new byte[] {0}, "</body></message>".getBytes());
        List<Object> events = ParserDriver.run(input, 1024, () -> input.length, false);
        assertEquals(2, events.size());
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED,
                assertInstanceOf(XmppStreamException.class, events.get(1)).condition());
    }

    @Test
    void inputEndingInsideTheStreamIsNotWellFormed() {
        byte[] input = (HEADER + "<message><body>hi").getBytes(StandardCharsets.UTF_8);
        List<Object> events = ParserDriver.run(input, 1024, () -> 5, true);
        assertEquals(2, events.size(), events::toString);
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED,
                assertInstanceOf(XmppStreamException.class, events.get(1)).condition());
    }

    @Test
    void afterAStreamErrorNothingElseIsEmitted() throws Exception {
        XmppStreamParser p = new XmppStreamParser(1024);
        byte[] input = (HEADER + "<message><!-- x --></message><presence/></stream:stream>")
                .getBytes(StandardCharsets.UTF_8);
        p.feed(input, 0, input.length);
        assertInstanceOf(ParserEvent.StreamOpened.class, p.next());
        XmppStreamException first = assertThrows(XmppStreamException.class, p::next);
        assertEquals(StreamErrorCondition.RESTRICTED_XML, first.condition());
        assertSame(first, assertThrows(XmppStreamException.class, p::next));
        assertFalse(p.needsInput());
        assertThrows(IllegalStateException.class, () -> p.feed(new byte[1], 0, 1));
        assertSame(first, assertThrows(XmppStreamException.class, p::next));
    }

    // --- size limits ---

    @Test
    void anOversizedTextIsRefusedBeforeTheStanzaEnds() {
        String partial = HEADER + "<message><body>" + "a".repeat(1100);
        assertPolicyViolationInAnyChunking(partial, 1024);
        assertPolicyViolationInAnyChunking(partial + "</body></message>", 1024);
    }

    @Test
    void manySmallChildrenAreRefusedBeforeTheStanzaEnds() {
        String partial = HEADER + "<message>" + "<x/>".repeat(300);
        assertPolicyViolationInAnyChunking(partial, 1024);
        assertPolicyViolationInAnyChunking(partial + "</message>", 1024);
    }

    @Test
    void anOversizedStartTagIsRefusedBeforeItEnds() {
        assertPolicyViolationInAnyChunking(HEADER + "<message id='" + "a".repeat(5000), 1024);
    }

    @Test
    void anOversizedStreamHeaderIsRefused() {
        assertPolicyViolationInAnyChunking(OPEN + " id='" + "a".repeat(5000), 1024);
    }

    @Test
    void aStanzaOfExactlyTheLimitPassesAndOneByteMoreIsRefused() {
        String open = "<message><body>";
        String close = "</body></message>";
        int max = 3000;
        // the multi-byte character makes sure bytes, not chars, are counted
        String fits = open + "\u00e9" + "a".repeat(max - open.length() - close.length() - 2) + close;
        assertEquals(max, fits.getBytes(StandardCharsets.UTF_8).length);
        String tooBig = open + "\u00e9" + "a".repeat(max - open.length() - close.length() - 1) + close;
        for (String before : List.of("", "<presence/>", " \n ")) {
            String ok = HEADER + before + fits + "<presence/>";
            List<Object> whole = ParserDriver.whole(ok, max);
            assertEquals(before.equals("<presence/>") ? 4 : 3, whole.size(), whole::toString);
            assertEquals(whole, ParserDriver.byteByByte(ok, max));
            for (long seed = 1; seed <= 5; seed++) {
                assertEquals(whole, ParserDriver.randomChunks(ok, max, seed));
                assertEquals(whole, ParserDriver.randomChunks(ok, max, seed, true));
            }
            assertPolicyViolationInAnyChunking(HEADER + before + tooBig, max);
        }
    }

    @Test
    void sizeLimitsStillHoldAfterTheParserSwitchedReaders() {
        StringBuilder sb = new StringBuilder(HEADER);
        for (int i = 0; i < 300; i++) {
            sb.append("<iq id='").append(i).append("'><q").append(i).append(" a='1' b='2' c='3'/></iq>");
        }
        String many = sb.toString();
        String fits = "<message><body>" + "a".repeat(2000 - 32) + "</body></message>";
        assertEquals(2000, fits.length());
        String ok = many + fits;
        List<Object> whole = ParserDriver.whole(ok, 2000);
        assertEquals(302, whole.size(), () -> whole.get(whole.size() - 1).toString());
        for (long seed = 1; seed <= 5; seed++) {
            assertEquals(whole, ParserDriver.randomChunks(ok, 2000, seed));
        }
        String tooBig = many + fits.replace("<body>", "<body>a");
        assertPolicyViolationInAnyChunking(tooBig, 2000);
    }

    @Test
    void deeplyNestedElementsAreRefused() {
        String deep = HEADER + "<message>" + "<a>".repeat(200);
        List<Object> events = ParserDriver.whole(deep, 64 * 1024);
        assertEquals(StreamErrorCondition.POLICY_VIOLATION,
                assertInstanceOf(XmppStreamException.class, events.get(events.size() - 1)).condition());
    }

    @Test
    void aModeratelyNestedStanzaIsAccepted() {
        Element e = TestXml.parse("<message>" + "<a>".repeat(100) + "x" + "</a>".repeat(100) + "</message>");
        Element inner = e;
        for (int i = 0; i < 100; i++) {
            inner = inner.child("a", "jabber:client");
        }
        assertEquals("x", inner.text());
    }

    private static void assertPolicyViolationInAnyChunking(String input, int max) {
        assertPolicyViolation(ParserDriver.whole(input, max), "whole");
        assertPolicyViolation(ParserDriver.byteByByte(input, max), "byte by byte");
        for (long seed = 1; seed <= 5; seed++) {
            assertPolicyViolation(ParserDriver.randomChunks(input, max, seed), "seed " + seed);
            assertPolicyViolation(ParserDriver.randomChunks(input, max, seed, true), "compacting, seed " + seed);
        }
    }

    private static void assertPolicyViolation(List<Object> events, String how) {
        Object last = events.get(events.size() - 1);
        XmppStreamException x = assertInstanceOf(XmppStreamException.class, last, how + ": " + events);
        assertEquals(StreamErrorCondition.POLICY_VIOLATION, x.condition(), how);
    }

    private static void assertSameOutcome(List<Object> expected, List<Object> actual) {
        assertEquals(expected.size(), actual.size(), actual::toString);
        for (int i = 0; i < expected.size(); i++) {
            if (expected.get(i) instanceof XmppStreamException x) {
                assertEquals(x.condition(), assertInstanceOf(XmppStreamException.class, actual.get(i)).condition());
            } else {
                assertEquals(expected.get(i), actual.get(i));
            }
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void endOfInputAfterTheStreamClosedIsHarmless() throws Exception {
        XmppStreamParser p = new XmppStreamParser(1024);
        byte[] input = (HEADER + "</stream:stream>").getBytes(StandardCharsets.UTF_8);
        p.feed(input, 0, input.length);
        assertInstanceOf(ParserEvent.StreamOpened.class, p.next());
        assertInstanceOf(ParserEvent.StreamClosed.class, p.next());
        p.endOfInput();
        assertNull(p.next());
    }
}
