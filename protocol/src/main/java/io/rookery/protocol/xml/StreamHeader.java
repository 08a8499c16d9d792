package io.rookery.protocol.xml;

/**
 * The attributes of a {@code <stream:stream>} open tag (RFC 6120 §4.7). Any field may be null when absent;
 * {@code lang} is the {@code xml:lang} attribute.
 */
public record StreamHeader(String to, String from, String id, String version, String lang, String defaultNamespace) {
    static final String STREAM_NS = "http://etherx.jabber.org/streams";

    /**
     * The XML declaration and the stream open tag, as RFC 6120 §4.7 examples write them. Absent fields are left
     * out; the default namespace is declared only when set.
     */
    public String toOpeningXml() {
        StringBuilder out = new StringBuilder(256);
        out.append("<?xml version='1.0'?><stream:stream");
        attr(out, "from", from);
        attr(out, "id", id);
        attr(out, "to", to);
        attr(out, "version", version);
        attr(out, "xml:lang", lang);
        attr(out, "xmlns", defaultNamespace);
        attr(out, "xmlns:stream", STREAM_NS);
        return out.append('>').toString();
    }

    private static void attr(StringBuilder out, String name, String value) {
        if (value != null) {
            out.append(' ').append(name).append("='");
            XmlWriter.escapeAttr(value, out);
            out.append('\'');
        }
    }

    /** "major.minor" with major 1; §4.7.5 says leading zeros are ignored and a higher minor is fine. */
    static boolean isVersionOne(String v) {
        if (v == null) {
            return false;
        }
        int dot = v.indexOf('.');
        if (dot <= 0 || dot == v.length() - 1 || !digits(v, 0, dot) || !digits(v, dot + 1, v.length())) {
            return false;
        }
        int i = 0;
        while (i < dot - 1 && v.charAt(i) == '0') {
            i++;
        }
        return dot - i == 1 && v.charAt(i) == '1';
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
