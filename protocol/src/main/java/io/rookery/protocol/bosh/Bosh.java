package io.rookery.protocol.bosh;

import io.rookery.protocol.stanza.XmppStreamException;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Node;
import io.rookery.protocol.xml.ParserEvent;
import io.rookery.protocol.xml.ParserLimits;
import io.rookery.protocol.xml.Text;
import io.rookery.protocol.xml.XmlWriter;
import io.rookery.protocol.xml.XmppStreamParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The {@code <body/>} wrapper of XEP-0124 (BOSH) with the XMPP attributes of XEP-0206: a request read with the
 * stream parser's limits and refusals, its payloads kept as the client wrote them (to be fed to the session's
 * stream parser, as the bytes of a TCP stream are), and the responses the connection manager writes.
 */
public final class Bosh {
    public static final String NS = "http://jabber.org/protocol/httpbind";
    /** XEP-0206 §4: the namespace of {@code xmpp:version}, {@code xmpp:restart}, {@code xmpp:restartlogic}. */
    public static final String XBOSH = "urn:xmpp:xbosh";
    public static final String STREAM_NS = "http://etherx.jabber.org/streams";
    /** XEP-0124 §2.1's default Content-Type of responses. */
    public static final String CONTENT_TYPE = "text/xml; charset=utf-8";
    /** XEP-0124 §7.1: rid values stay below 2^53. */
    public static final long MAX_RID = 9007199254740991L;

    private static final byte[] HEADER = ("<stream:stream xmlns='jabber:client' "
            + "xmlns:stream='" + STREAM_NS + "' version='1.0' to='bosh'>").getBytes(StandardCharsets.UTF_8);

    private Bosh() {}

    /** A request that is not a well-formed {@code <body/>} in the httpbind namespace (XEP-0124 §17.2 bad-request). */
    public static final class BadRequest extends Exception {
        public BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * One request: its wrapper (attributes only matter) and the text of its payloads exactly as sent, between the
     * wrapper's tags. rid -1: absent or not a number in range.
     */
    public record Request(Element body, String payload) {
        public long rid() {
            return number(body.attr("rid"));
        }

        public String sid() {
            return body.attr("sid");
        }

        public boolean terminate() {
            return "terminate".equals(body.attr("type"));
        }

        /** XEP-0206 §5: {@code xmpp:restart='true'} (or '1'). */
        public boolean restart() {
            String v = xbosh("restart");
            return "true".equals(v) || "1".equals(v);
        }

        /** An attribute in the urn:xmpp:xbosh namespace, whatever its prefix. */
        public String xbosh(String local) {
            return Bosh.xbosh(body.attributes(), local);
        }

        /** The client's ack (XEP-0124 §9.2): the highest rid it has every response up to; -1 when absent. */
        public long ack() {
            return number(body.attr("ack"));
        }

        /** A non-negative number of seconds, or -1 when absent or not one. */
        public long seconds(String attribute) {
            long v = number(body.attr(attribute));
            return Math.min(v, 1_000_000);
        }

        public boolean empty() {
            return payload.isEmpty();
        }

        private static long number(String v) {
            if (v == null || v.isEmpty() || v.length() > 16) return -1;
            for (int i = 0; i < v.length(); i++) {
                if (v.charAt(i) < '0' || v.charAt(i) > '9') return -1;
            }
            long n = Long.parseLong(v);
            return n > MAX_RID ? -1 : n;
        }
    }

    /**
     * Reads a request: one well-formed {@code <body/>} in the httpbind namespace holding only elements (XEP-0124
     * §4: no character data), within the parser limits given (which bound its size, depth, names and attributes
     * as for a stanza); the XML declaration may precede it.
     */
    public static Request parse(String text, ParserLimits limits) throws BadRequest {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[HEADER.length + bytes.length];
        System.arraycopy(HEADER, 0, all, 0, HEADER.length);
        int at = HEADER.length;
        int start = skipDeclaration(text);
        byte[] rest = text.substring(start).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(rest, 0, all, at, rest.length);
        XmppStreamParser parser = new XmppStreamParser(limits);
        parser.feed(all, 0, at + rest.length);
        Element body = null;
        try {
            for (ParserEvent ev = parser.next(); ev != null; ev = parser.next()) {
                if (ev instanceof ParserEvent.ElementParsed p) {
                    if (body != null) throw new BadRequest("more than one element");
                    body = p.element();
                }
            }
        } catch (XmppStreamException e) {
            throw new BadRequest("not well-formed: " + e.condition().elementName());
        }
        if (body == null) throw new BadRequest("no complete <body/>");
        if (!body.is("body", NS)) throw new BadRequest("not a <body/> in " + NS);
        for (Node n : body.children()) {
            if (n instanceof Text t && !t.text().isBlank()) throw new BadRequest("character data in <body/>");
        }
        int lt = text.indexOf('<', start);
        return new Request(body, payload(text, tagEnd(text, lt)));
    }

    /** An attribute in the urn:xmpp:xbosh namespace among a tag's attributes (as written), whatever its prefix. */
    public static String xbosh(Map<String, String> attributes, String local) {
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            if (a.getKey().startsWith("xmlns:") && XBOSH.equals(a.getValue())) {
                String v = attributes.get(a.getKey().substring("xmlns:".length()) + ":" + local);
                if (v != null) return v;
            }
        }
        return null;
    }

    /**
     * A wrapper read without the XML parser: its start tag's attributes (names as written, prefixes included; values
     * unescaped) and the text between its tags. For a peer's own output read by the other side (the load generator
     * reads the server's responses so); a client's request goes through {@link #parse}.
     */
    public record Wrapper(Map<String, String> attributes, String payload) {}

    /** Splits a {@code <body/>} (the XML declaration may precede it) into its attributes and payload. */
    public static Wrapper split(String text) throws BadRequest {
        int start = skipDeclaration(text);
        if (!text.startsWith("<body", start) || start + 5 >= text.length()
                || !(isSpace(text.charAt(start + 5)) || text.charAt(start + 5) == '/' || text.charAt(start + 5) == '>')) {
            throw new BadRequest("no <body> tag");
        }
        int end = tagEnd(text, start);
        if (end < 0) throw new BadRequest("an unfinished <body> tag");
        String payload = payload(text, end);
        if (payload == null) throw new BadRequest("no </body>");
        return new Wrapper(attributes(text.substring(start, end + 1)), payload);
    }

    private static int skipDeclaration(String s) {
        int i = 0;
        while (i < s.length() && isSpace(s.charAt(i))) i++;
        if (s.startsWith("<?xml", i)) {
            int end = s.indexOf("?>", i);
            if (end > 0) i = end + 2;
            while (i < s.length() && isSpace(s.charAt(i))) i++;
        }
        return i;
    }

    /** The index of the '>' that ends the tag starting at start (quoted values skipped), or -1. */
    private static int tagEnd(String s, int start) {
        char quote = 0;
        for (int i = start + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '>') {
                return i;
            }
        }
        return -1;
    }

    /** What is between the wrapper's start tag (ending at tagEnd) and its end tag; null when there is no end tag. */
    private static String payload(String s, int tagEnd) {
        if (s.charAt(tagEnd - 1) == '/') return "";
        int end = s.lastIndexOf("</");
        return end <= tagEnd ? null : s.substring(tagEnd + 1, end).strip();
    }

    /**
     * The attributes of one start tag as written (names with their prefixes, values unescaped), read without the
     * parser: for tags the reader's own side or its peer wrote, as {@link #split}.
     */
    public static Map<String, String> attributes(String tag) {
        Map<String, String> a = new java.util.HashMap<>(16);
        int i = 1;
        int n = tag.length();
        while (i < n && !isSpace(tag.charAt(i)) && tag.charAt(i) != '>' && tag.charAt(i) != '/') i++;
        while (i < n) {
            while (i < n && isSpace(tag.charAt(i))) i++;
            int eq = tag.indexOf('=', i);
            if (eq < 0) break;
            String name = tag.substring(i, eq).trim();
            int q = eq + 1;
            while (q < n && isSpace(tag.charAt(q))) q++;
            if (q >= n) break;
            char quote = tag.charAt(q);
            if (quote != '\'' && quote != '"') break;
            int close = tag.indexOf(quote, q + 1);
            if (close < 0) break;
            a.put(name, unescape(tag.substring(q + 1, close)));
            i = close + 1;
        }
        return a;
    }

    private static String unescape(String v) {
        if (v.indexOf('&') < 0) return v;
        return v.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
                .replace("&amp;", "&");
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /** XEP-0124 §17.2 terminal binding conditions. */
    public enum Condition {
        BAD_REQUEST("bad-request"), HOST_GONE("host-gone"), HOST_UNKNOWN("host-unknown"),
        IMPROPER_ADDRESSING("improper-addressing"), INTERNAL_SERVER_ERROR("internal-server-error"),
        ITEM_NOT_FOUND("item-not-found"), OTHER_REQUEST("other-request"), POLICY_VIOLATION("policy-violation"),
        REMOTE_CONNECTION_FAILED("remote-connection-failed"), REMOTE_STREAM_ERROR("remote-stream-error"),
        SEE_OTHER_URI("see-other-uri"), SYSTEM_SHUTDOWN("system-shutdown"),
        UNDEFINED_CONDITION("undefined-condition");

        private final String value;

        Condition(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    /**
     * A response {@code <body/>}: the attributes in order (name, value pairs; a null value is left out), then the
     * payloads as written by the server (each carrying its own namespace declarations). The stream prefix is
     * declared when a payload uses it (XEP-0206 §3: features, errors).
     */
    public static String response(List<String> attributes, List<String> payloads) {
        int size = 96;
        for (String p : payloads) size += p.length();
        StringBuilder b = new StringBuilder(size).append("<body xmlns='").append(NS).append('\'');
        boolean xbosh = false;
        for (int i = 0; i + 1 < attributes.size(); i += 2) {
            String value = attributes.get(i + 1);
            if (value == null) continue;
            String name = attributes.get(i);
            xbosh |= name.startsWith("xmpp:");
            b.append(' ').append(name).append("='");
            XmlWriter.escapeAttr(value, b);
            b.append('\'');
        }
        if (xbosh) b.append(" xmlns:xmpp='").append(XBOSH).append('\'');
        boolean stream = false;
        for (String p : payloads) stream |= p.startsWith("<stream:");
        if (stream) b.append(" xmlns:stream='").append(STREAM_NS).append('\'');
        if (payloads.isEmpty()) return b.append("/>").toString();
        b.append('>');
        for (String p : payloads) b.append(p);
        return b.append("</body>").toString();
    }

    /** A terminal binding error (XEP-0124 §17.2), or the end of a session without one (condition null). */
    public static String terminate(Condition condition) {
        return response(java.util.Arrays.asList("type", "terminate", "condition",
                condition == null ? null : condition.value()), List.of());
    }
}
