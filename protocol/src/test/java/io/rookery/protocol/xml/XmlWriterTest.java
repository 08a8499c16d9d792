package io.rookery.protocol.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class XmlWriterTest {
    private static String text(String s) {
        StringBuilder sb = new StringBuilder();
        XmlWriter.escapeText(s, sb);
        return sb.toString();
    }

    private static String attr(String s) {
        StringBuilder sb = new StringBuilder();
        XmlWriter.escapeAttr(s, sb);
        return sb.toString();
    }

    @Test
    void textEscapesMarkupAndCarriageReturnOnly() {
        assertEquals("a&amp;b&lt;c&gt;d\"e'f&#xD;\n\t", text("a&b<c>d\"e'f\r\n\t"));
    }

    @Test
    void attributesEscapeQuotesAndWhitespaceControls() {
        assertEquals("a&amp;b&lt;c&gt;d&quot;e&apos;f&#xD;&#xA;&#x9;g", attr("a&b<c>d\"e'f\r\n\tg"));
    }

    @Test
    void anElementInTheXmlNamespaceIsWrittenWithItsPrefix() {
        // a default declaration of the XML namespace is not namespace-well-formed (found by XmppStreamParserFuzzTest)
        Element e = TestXml.parse("<message><xml:x a='1'><body>hi</body></xml:x></message>");
        assertEquals("<message xmlns='jabber:client'><xml:x a='1'><body>hi</body></xml:x></message>",
                XmlWriter.toXml(e));
        assertEquals(e, TestXml.parse(XmlWriter.toXml(e)));
        assertEquals("<xml:y/>", XmlWriter.toXml(Element.of("y", "http://www.w3.org/XML/1998/namespace")));
    }

    @Test
    void charactersIllegalInXmlAreReplacedAndPairsKept() {
        String in = "\u0000a\u0001\uD800b\uFFFE\uFFFF\uDC00c\uD834\uDD1E\u007f\uE000\uD83D";
        String expected = "\uFFFDa\uFFFD\uFFFDb\uFFFD\uFFFD\uFFFDc\uD834\uDD1E\u007f\uE000\uFFFD";
        assertEquals(expected, text(in));
        assertEquals(expected, attr(in));
    }

    @Test
    void writesSingleQuotedAttributesInOrderAndDeclaresTheRootNamespace() {
        Element m = Element.builder("message", "jabber:client")
                .attr("to", "romeo@example.net").attr("type", "chat").attr("xml:lang", "en").attr("skipped", null)
                .child(Element.builder("body", "jabber:client").text("it's <3").build())
                .child(Element.of("active", "http://jabber.org/protocol/chatstates"))
                .build();
        assertEquals("<message xmlns='jabber:client' to='romeo@example.net' type='chat' xml:lang='en'>"
                + "<body>it's &lt;3</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>",
                XmlWriter.toXml(m));
        StringBuilder sb = new StringBuilder();
        XmlWriter.write(m, "jabber:client", sb);
        assertEquals("<message to='romeo@example.net' type='chat' xml:lang='en'>"
                + "<body>it's &lt;3</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>",
                sb.toString());
    }

    @Test
    void aChildWithoutNamespaceUndeclaresTheInheritedDefault() {
        Element e = Element.builder("x", "urn:a").child(Element.of("y", "")).build();
        assertEquals("<x xmlns='urn:a'><y xmlns=''/></x>", XmlWriter.toXml(e));
        assertEquals("<y/>", XmlWriter.toXml(Element.of("y", null)));
    }

    @Test
    void streamHeaderOpensLikeTheRfcExample() {
        StreamHeader h = new StreamHeader("juliet@im.example.com", "im.example.com", "++TR84Sm6A3hnt3Q065SnAbbk3Y=",
                "1.0", "en", "jabber:client");
        assertEquals("<?xml version='1.0'?><stream:stream from='im.example.com' id='++TR84Sm6A3hnt3Q065SnAbbk3Y='"
                + " to='juliet@im.example.com' version='1.0' xml:lang='en' xmlns='jabber:client'"
                + " xmlns:stream='http://etherx.jabber.org/streams'>", h.toOpeningXml());
        assertEquals("<?xml version='1.0'?><stream:stream id='a&apos;b' version='1.0' xmlns='jabber:client'"
                + " xmlns:stream='http://etherx.jabber.org/streams'>",
                new StreamHeader(null, null, "a'b", "1.0", null, "jabber:client").toOpeningXml());
    }

    @Test
    void trickyContentRoundTripsThroughTheParser() {
        Element e = Element.builder("message", "jabber:client")
                .attr("id", "a'b\"c<d>&e\tf\ng\rh")
                .attr("xml:lang", "de")
                .child(Element.builder("body", "jabber:client").text("x\r\ny\rz & <tag> ]]> \u00e9\uD834\uDD1E").build())
                .child(Element.builder("data", "").child(Element.of("inner", "urn:x")).text(" ").build())
                .build();
        assertEquals(e, TestXml.parse(XmlWriter.toXml(e)));
    }

    @Test
    void randomTreesRoundTripThroughTheParser() {
        Random r = new Random(7);
        for (int i = 0; i < 200; i++) {
            Element e = randomElement(r, 0, "jabber:client");
            String xml = XmlWriter.toXml(e);
            Element parsed;
            try {
                parsed = TestXml.parse(xml);
            } catch (AssertionError x) {
                throw new AssertionError(xml.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t"), x);
            }
            assertEquals(e, parsed, xml);
        }
    }

    private static final String[] NAMESPACES = {"jabber:client", "urn:x", "", "http://jabber.org/protocol/muc#user"};
    private static final String ALPHABET = "ab <>&'\"\t\n\r\u00e9\u2713]\uD834\uDD1E";

    private static Element randomElement(Random r, int depth, String ns) {
        Element.Builder b = Element.builder("e" + r.nextInt(5), depth == 0 ? "jabber:client"
                : r.nextInt(3) == 0 ? NAMESPACES[r.nextInt(NAMESPACES.length)] : ns);
        for (int i = r.nextInt(3); i > 0; i--) {
            b.attr("a" + i, randomText(r));
        }
        if (r.nextBoolean()) {
            b.attr("xml:lang", "en");
        }
        String childNs = b.build().namespace();
        List<Node> children = new ArrayList<>();
        boolean lastWasText = false;
        for (int i = depth < 4 ? r.nextInt(4) : 0; i > 0; i--) {
            // adjacent text nodes come back merged, so generate them merged
            if (!lastWasText && r.nextBoolean()) {
                String t = randomText(r);
                if (!t.isEmpty()) {
                    children.add(new Text(t));
                    lastWasText = true;
                }
            } else {
                children.add(randomElement(r, depth + 1, childNs));
                lastWasText = false;
            }
        }
        return b.build().withChildren(children);
    }

    private static String randomText(Random r) {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(8); i > 0; i--) {
            int at = r.nextInt(ALPHABET.length());
            char c = ALPHABET.charAt(at);
            if (Character.isSurrogate(c)) {
                sb.append("\uD834\uDD1E");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
