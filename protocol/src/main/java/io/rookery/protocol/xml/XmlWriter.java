package io.rookery.protocol.xml;

import java.util.List;
import java.util.Map;

/**
 * Writes {@link Element}s as XML 1.0 text, attributes in single quotes.
 *
 * <p>Characters that XML 1.0 cannot carry at all (controls other than tab, LF and CR, U+FFFE, U+FFFF, unpaired
 * surrogates) are replaced by U+FFFD rather than refused: such a character can reach us from storage or from code
 * and must not turn into a stream the peer has to kill with not-well-formed, nor into an exception in the middle
 * of writing a stanza. Parsed input never contains them.
 */
public final class XmlWriter {
    private static final char REPLACEMENT = '\uFFFD';
    private static final String XML_NS = "http://www.w3.org/XML/1998/namespace";

    private XmlWriter() {
    }

    /** The element with its namespace declared on the root (unless it has none). */
    public static String toXml(Element e) {
        StringBuilder out = new StringBuilder(128);
        write(e, "", out);
        return out.toString();
    }

    /**
     * Appends the element; {@code xmlns} is written only when its namespace differs from {@code
     * inheritedNamespace}, the default namespace in scope where it is written (stanzas: {@code jabber:client}).
     */
    public static void write(Element e, String inheritedNamespace, StringBuilder out) {
        String inherited = inheritedNamespace == null ? "" : inheritedNamespace;
        // Namespaces in XML 1.0 §3: the XML namespace is bound to the prefix xml and may not be declared as the
        // default one; written that way, a peer's <xml:x/> would go out as XML its recipient must refuse
        // (found by XmppStreamParserFuzzTest).
        boolean xmlNamespace = e.namespace().equals(XML_NS);
        String tag = xmlNamespace ? "xml:" + e.name() : e.name();
        out.append('<').append(tag);
        if (!xmlNamespace && !e.namespace().equals(inherited)) {
            out.append(" xmlns='");
            escapeAttr(e.namespace(), out);
            out.append('\'');
        }
        for (Map.Entry<String, String> a : e.attributes().entrySet()) {
            out.append(' ').append(a.getKey()).append("='");
            escapeAttr(a.getValue(), out);
            out.append('\'');
        }
        List<Node> children = e.children();
        if (children.isEmpty()) {
            out.append("/>");
            return;
        }
        out.append('>');
        String childDefault = xmlNamespace ? inherited : e.namespace();
        for (Node n : children) {
            if (n instanceof Text t) {
                escapeText(t.text(), out);
            } else {
                write((Element) n, childDefault, out);
            }
        }
        out.append("</").append(tag).append('>');
    }

    /**
     * Escapes character data: {@code & < >}, plus CR as {@code &#xD;} because a parser would otherwise turn a
     * literal CR into LF (XML 1.0 §2.11) and the text would not survive a round trip.
     */
    public static void escapeText(CharSequence s, StringBuilder out) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '\r' -> out.append("&#xD;");
                default -> i = appendChecked(s, i, c, out);
            }
        }
    }

    /**
     * Escapes an attribute value for single or double quotes: {@code & < > ' "}, and TAB, LF, CR as character
     * references because attribute-value normalisation (XML 1.0 §3.3.3) would turn them into spaces.
     */
    public static void escapeAttr(CharSequence s, StringBuilder out) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '\'' -> out.append("&apos;");
                case '"' -> out.append("&quot;");
                case '\n' -> out.append("&#xA;");
                case '\r' -> out.append("&#xD;");
                case '\t' -> out.append("&#x9;");
                default -> i = appendChecked(s, i, c, out);
            }
        }
    }

    /** Appends c (and its low surrogate) if XML 1.0 allows it, else U+FFFD; returns the last index consumed. */
    private static int appendChecked(CharSequence s, int i, char c, StringBuilder out) {
        if (c >= 0x20 && c < 0xD800 || c == '\t' || c == '\n' || c >= 0xE000 && c <= 0xFFFD) {
            out.append(c);
            return i;
        }
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            out.append(c).append(s.charAt(i + 1));
            return i + 1;
        }
        out.append(REPLACEMENT);
        return i;
    }
}
