package io.rookery.protocol.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.stanza.XmppStreamException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 6120 §11.6: UTF-8 only, and well-formed UTF-8 (RFC 3629) at that. */
class XmppStreamParserEncodingTest {
    static final ParserLimits LIMITS = ParserLimits.forMaxStanzaBytes(4096);
    static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "C0 AF", "C1 BF", "E0 80 AF", "E0 9F BF", "F0 80 80 AF", "F0 8F BF BF", // overlong forms
        "ED A0 80", "ED AF BF", "ED B0 80", "ED BF BF", // surrogates
        "F4 90 80 80", "F5 80 80 80", "F7 BF BF BF", "FE", "FF", // past U+10FFFF, and never UTF-8
        "80", "BF", "C2", "E2 82", "E2 28 A1", "F0 9F 98", // a stray continuation, a sequence cut short
    })
    void malformedUtf8IsNotWellFormedWhereverItIsAndHoweverItIsCut(String hex) {
        byte[] bad = hex(hex);
        for (String[] around : new String[][] {
            {"<message><body>a", "b</body></message>"}, {"<message id='a", "b'/>"}, {"<message><x", "y/></message>"},
            {"<message><body><![CDATA[a", "b]]></body></message>"}, {"<message xml:lang='a", "'/>"}}) {
            // the presence before is delivered in every chunking, then the stream ends
            byte[] input = concat(bytes(TestXml.HEADER + "<presence/>" + around[0]), bad, bytes(around[1]));
            List<Object> events = ParserDriver.inAnyChunking(input, LIMITS);
            assertEquals(3, events.size(), events::toString);
            assertEquals(StreamErrorCondition.NOT_WELL_FORMED,
                    assertInstanceOf(XmppStreamException.class, events.get(2)).condition(), around[0]);
        }
        // first in the stream, FE and FF start the byte order marks of UTF-16 and UTF-32
        assertEquals(hex.startsWith("F") && hex.length() == 2 ? StreamErrorCondition.UNSUPPORTED_ENCODING
                : StreamErrorCondition.NOT_WELL_FORMED, refusal(concat(bad, bytes(TestXml.HEADER))));
    }

    @Test
    void theOverlongSlashOfTheIssueIsNotDelivered() {
        // C0 AF used to arrive as "/" in the body
        byte[] input = concat(bytes(TestXml.HEADER + "<message><body>.."), hex("C0 AF"), bytes("etc</body></message>"));
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED, refusal(input));
    }

    @Test
    void everyWellFormedBoundaryCharacterPassesInAnyChunking() {
        String text = "\u0080\u07FF\u0800\uD7FF\uE000\uFFFD\uD800\uDC00\uDBFF\uDFFF\u00e9\u2713\uD834\uDD1E";
        List<Object> events = ParserDriver.inAnyChunking(TestXml.HEADER + "<message id='" + text + "'><body>" + text
                + "</body></message>", LIMITS);
        Element message = assertInstanceOf(ParserEvent.ElementParsed.class, events.get(1)).element();
        assertEquals(text, message.attr("id"));
        assertEquals(text, message.childText("body", null));
    }

    @Test
    void aFourByteCharacterInAnAttributeValueSurvivesASplitAtEveryByte() {
        // aalto 1.4.0 alone turned U+1D11E into U+D11E when the value's bytes came in two feeds split inside it
        for (String c : List.of("\uD834\uDD1E", "\uD83D\uDE00", "\uD800\uDC00", "\uDBFF\uDFFF", "\u00e9", "\u2713")) {
            String value = "x" + c + "y" + c;
            byte[] input = bytes(TestXml.HEADER + "<message id='" + value + "' to='" + c + "'/>");
            for (int cut = 1; cut < input.length; cut++) {
                int at = cut;
                int[] calls = {0};
                List<Object> events = ParserDriver.run(input, LIMITS, () -> calls[0]++ == 0 ? at : input.length, false,
                        false);
                Element message = assertInstanceOf(ParserEvent.ElementParsed.class, events.get(1),
                        () -> "cut at " + at + ": " + events).element();
                assertEquals(value, message.attr("id"), "cut at " + cut);
                assertEquals(c, message.attr("to"), "cut at " + cut);
            }
        }
    }

    @Test
    void aStreamThatEndsInsideACharacterIsNotWellFormed() throws XmppStreamException {
        byte[] input = concat(bytes(TestXml.HEADER + "<message><body>a"), hex("F0 9F 98"));
        List<Object> events = ParserDriver.run(input, LIMITS, () -> 1, true, false);
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED,
                assertInstanceOf(XmppStreamException.class, events.get(events.size() - 1)).condition());

        XmppStreamParser p = new XmppStreamParser(LIMITS);
        byte[] start = concat(bytes(TestXml.HEADER + "<presence/>"), hex("C3"));
        p.feed(start, 0, start.length);
        assertInstanceOf(ParserEvent.StreamOpened.class, p.next());
        assertInstanceOf(ParserEvent.ElementParsed.class, p.next());
        assertEquals(null, p.next());
        assertEquals(false, p.compact(), "half a character is held back: not an idle boundary");
    }

    /** JDK's strict decoder as the reference: Utf8Input must agree on every sequence, fed whole or byte by byte. */
    @Test
    void theCheckAgreesWithTheJdkDecoderOnShortSequences() throws XmppStreamException {
        int[] tails = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xF4, 0xFF};
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                agree(a, b);
                if (a >= 0xE0) {
                    for (int c : tails) {
                        agree(a, b, c);
                        if (a >= 0xF0) {
                            for (int d : tails) {
                                agree(a, b, c, d);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void agree(int... sequence) throws XmppStreamException {
        byte[] b = new byte[sequence.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) sequence[i];
        }
        boolean jdk = decodes(b);
        boolean whole = wellFormed(b, b.length);
        boolean split = wellFormed(b, 1);
        // amid ASCII, so that the check's eight-bytes-at-a-time path meets the sequence at every alignment
        byte[] padded = new byte[b.length + 24];
        java.util.Arrays.fill(padded, (byte) 'a');
        int at = 8 + (b[0] & 7);
        System.arraycopy(b, 0, padded, at, b.length);
        boolean amid = wellFormed(padded, padded.length);
        if (jdk != whole || jdk != split || jdk != amid) {
            throw new AssertionError(HEX.formatHex(b) + ": JDK " + jdk + ", whole " + whole + ", split " + split
                    + ", amid ASCII " + amid);
        }
    }

    /** Whether Utf8Input takes all of {@code b}, fed in pieces of {@code chunk}, as whole characters. */
    private static boolean wellFormed(byte[] b, int chunk) throws XmppStreamException {
        Utf8Input in = new Utf8Input();
        in.headerRead();
        long pos = 1000;
        int handedOn = 0;
        for (int i = 0; i < b.length && in.failure() == null; i += chunk) {
            in.give(b, i, Math.min(chunk, b.length - i));
            while (in.hasBytes() && in.failure() == null) {
                in.take(pos, 2048);
                pos += in.sliceLength;
                handedOn += in.sliceLength;
            }
        }
        return in.failure() == null && !in.holding() && handedOn == b.length;
    }

    // --- other encodings: §4.9.3.22 unsupported-encoding ---

    @ParameterizedTest
    @ValueSource(strings = {"UTF-16", "utf-16", "UTF-16BE", "UTF-32", "ISO-8859-1", "windows-1252", "EBCDIC"})
    void aDeclarationOfAnotherEncodingIsUnsupportedEncoding(String encoding) {
        String stream = "<?xml version='1.0' encoding='" + encoding + "'?>" + XmppStreamParserRefusalTest.OPEN
                + " version='1.0'>";
        assertEquals(StreamErrorCondition.UNSUPPORTED_ENCODING, refusal(bytes(stream)));
        assertEquals(StreamErrorCondition.UNSUPPORTED_ENCODING,
                refusal(bytes(stream.replace("'1.0' encoding=", "\"1.0\"\n  encoding = "))));
    }

    @Test
    void whatIsWrongBeforeTheDeclaredEncodingDecidesFirst() {
        // found by XmppStreamParserFuzzTest: aalto's error came before or after the encoding depending on the cuts
        String open = XmppStreamParserRefusalTest.OPEN + " version='1.0'>";
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED,
                refusal(bytes("<?xml version='1.0' encoding='UTF-\0\0\0\016'?>" + open)));
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED,
                refusal(bytes("<?xml version='9.9' encoding='UTF-16'?>" + open)));
        assertEquals(StreamErrorCondition.UNSUPPORTED_ENCODING,
                refusal(bytes("<?xml version='1.0' encoding='UTF-16'?>\0" + open)));
    }

    @Test
    void utf8DeclaredInAnyCaseIsFine() {
        for (String encoding : List.of("UTF-8", "utf-8", "UTF8")) {
            List<Object> events = ParserDriver.inAnyChunking(bytes("<?xml version='1.0' encoding=\"" + encoding
                    + "\"?>" + XmppStreamParserRefusalTest.OPEN + " version='1.0'><presence/>"), LIMITS);
            assertEquals(2, events.size(), events::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTF-16", "UTF-16BE", "UTF-16LE", "UTF-32BE", "UTF-32LE"})
    void aStreamInUtf16OrUtf32IsUnsupportedEncoding(String charset) {
        String stream = "<?xml version='1.0'?>" + XmppStreamParserRefusalTest.OPEN + " version='1.0'>";
        byte[] encoded = stream.getBytes(Charset.forName(charset)); // "UTF-16" writes a byte order mark
        assertEquals(StreamErrorCondition.UNSUPPORTED_ENCODING, refusal(encoded));
        assertEquals(StreamErrorCondition.UNSUPPORTED_ENCODING,
                refusal(stream.replace("'1.0'?>", "'1.0' encoding='" + charset + "'?>").getBytes(Charset.forName(charset))));
    }

    @Test
    void atTheStartOfTheStreamTheFirstBadByteDecidesHoweverTheBytesAreCut() {
        // found by XmppStreamParserFuzzTest: fed whole, the zero byte was looked at before the stray A7
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED, refusal(hex("A7 3F 78 00 00 3C")));
        assertEquals(StreamErrorCondition.UNSUPPORTED_ENCODING, refusal(hex("3C 00 A7 3F")));
        // fed whole, aalto used to get the half character before the zero byte, and failed on it
        assertEquals(StreamErrorCondition.UNSUPPORTED_ENCODING, refusal(hex("F0 9F 00 00 22")));
    }

    @Test
    void aZeroByteLaterIsNotAnEncodingMatter() {
        byte[] input = concat(bytes(TestXml.HEADER + "<message><body>a"), new byte[] {0}, bytes("</body></message>"));
        assertEquals(StreamErrorCondition.NOT_WELL_FORMED, refusal(input));
    }

    private static StreamErrorCondition refusal(byte[] input) {
        List<Object> events = ParserDriver.inAnyChunking(input, LIMITS);
        return assertInstanceOf(XmppStreamException.class, events.get(events.size() - 1), events::toString)
                .condition();
    }

    private static boolean decodes(byte[] b) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            d.decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    static byte[] hex(String spaced) {
        return HEX.parseHex(spaced);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
