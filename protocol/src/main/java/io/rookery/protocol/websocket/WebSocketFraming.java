package io.rookery.protocol.websocket;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import io.rookery.protocol.xml.StreamHeader;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 7395 (XMPP over WebSocket) as a translation to and from an RFC 6120 stream, so that a WebSocket connection
 * feeds the same parser and session as a TCP one. Each WebSocket text message carries one complete element (§3.3.3);
 * the stream's opening and closing tags become the framing elements {@code <open/>} and {@code <close/>} (§3.3.2,
 * §3.6), and every top-level element carries the namespace declarations it needs on its own.
 *
 * <p>Inbound ({@link #toStream}): an {@code <open/>} becomes a stream header (with its {@code to}, {@code from},
 * {@code id}, {@code version} and {@code xml:lang}), a {@code <close/>} the closing tag, anything else goes to the
 * parser as it came (whose limits and refusals apply to it as to TCP input). Outbound ({@link Outbound}): the
 * stream output, split into one message per top-level element. Both work either way round: the server uses them on
 * what it reads and writes, a client (the load generator) on what it writes and reads.
 */
public final class WebSocketFraming {
    /** RFC 7395 §3.3.1: the namespace of the framing elements. */
    public static final String NS = "urn:ietf:params:xml:ns:xmpp-framing";
    /** RFC 7395 §3.1: the WebSocket subprotocol. */
    public static final String SUBPROTOCOL = "xmpp";
    private static final String STREAM_NS = "http://etherx.jabber.org/streams";
    private static final String CLOSE = "<close xmlns='" + NS + "'/>";

    private WebSocketFraming() {}

    /**
     * The stream bytes for one inbound message: a stream header for an {@code <open/>} in the framing namespace,
     * the closing tag for a {@code <close/>}, the message itself otherwise (an {@code <open/>} that is not well-formed
     * or in another namespace goes as it came too, and the parser refuses it as it would at the start of a stream).
     */
    public static String toStream(String message) {
        int start = 0;
        int n = message.length();
        while (start < n && isSpace(message.charAt(start))) start++;
        if (startsWithTag(message, start, "open")) {
            Element open;
            try {
                open = StoredXml.parse(message.substring(start));
            } catch (IllegalArgumentException e) {
                return message;
            }
            if (!"open".equals(open.name()) || !NS.equals(open.namespace())) return message;
            return new StreamHeader(open.attr("to"), open.attr("from"), open.attr("id"), open.attr("version"),
                    open.attr("xml:lang"), Namespaces.CLIENT).toOpeningXml();
        }
        if (startsWithTag(message, start, "close")) return "</stream:stream>";
        return message;
    }

    private static boolean startsWithTag(String s, int at, String name) {
        if (at >= s.length() || s.charAt(at) != '<' || !s.startsWith(name, at + 1)) return false;
        int after = at + 1 + name.length();
        if (after >= s.length()) return false;
        char c = s.charAt(after);
        return c == '/' || c == '>' || isSpace(c);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    /**
     * Splits what the server writes on a stream into WebSocket messages; one per connection, fed in order. It reads
     * only what the server itself wrote ({@link io.rookery.protocol.xml.XmlWriter} escapes {@code <} and {@code >}
     * in text and attribute values, and writes no comments or CDATA), so a tag ends at the first {@code >}.
     */
    public static final class Outbound {
        /** What is left of an element split across writes (never, as the session writes whole elements). */
        private String carry = "";

        /** The messages for this piece of output, in order: may be empty (whitespace keepalives are dropped). */
        public List<String> messages(String output) {
            String s = carry.isEmpty() ? output : carry + output;
            carry = "";
            List<String> out = new ArrayList<>(2);
            int i = 0;
            int n = s.length();
            while (i < n) {
                int lt = s.indexOf('<', i);
                if (lt < 0) break; // whitespace between top-level elements
                if (s.startsWith("<?", lt)) {
                    int end = s.indexOf("?>", lt);
                    if (end < 0) {
                        carry = s.substring(lt);
                        return out;
                    }
                    i = end + 2;
                    continue;
                }
                if (s.startsWith("</stream:stream", lt)) {
                    int end = s.indexOf('>', lt);
                    if (end < 0) {
                        carry = s.substring(lt);
                        return out;
                    }
                    out.add(CLOSE);
                    i = end + 1;
                    continue;
                }
                int tagEnd = s.indexOf('>', lt);
                if (tagEnd < 0) {
                    carry = s.substring(lt);
                    return out;
                }
                String name = tagName(s, lt);
                if ("stream:stream".equals(name)) {
                    // A stream header: the first, or the next after a restart (TLS is the HTTP layer's, SASL's).
                    out.add(open(s.substring(lt, tagEnd + 1)));
                    i = tagEnd + 1;
                    continue;
                }
                int end = elementEnd(s, lt);
                if (end < 0) {
                    carry = s.substring(lt);
                    return out;
                }
                out.add(standalone(s, lt, tagEnd, end, name));
                i = end;
            }
            return out;
        }

        /** Whether an element is split across writes and waits for its end. */
        public boolean pending() {
            return !carry.isEmpty();
        }

        /** RFC 7395 §3.3.2: the stream header's attributes on an {@code <open/>} in the framing namespace. */
        private static String open(String header) {
            StringBuilder b = new StringBuilder(header.length() + 32).append("<open xmlns='").append(NS).append('\'');
            int i = header.indexOf(' ');
            int limit = header.length() - 1;
            while (i > 0 && i < limit) {
                int eq = header.indexOf('=', i);
                if (eq < 0) break;
                String attr = header.substring(i + 1, eq).trim();
                char quote = header.charAt(eq + 1);
                int close = header.indexOf(quote, eq + 2);
                if (close < 0) break;
                if (!attr.equals("xmlns") && !attr.startsWith("xmlns:")) {
                    b.append(' ').append(attr).append('=').append(header, eq + 1, close + 1);
                }
                i = close + 1;
            }
            return b.append("/>").toString();
        }

        /**
         * The element at [start, end) with the namespace declarations its stream gave it: the default namespace for
         * a stanza written without one, the stream prefix for stream:features and stream:error.
         */
        private static String standalone(String s, int start, int tagEnd, int end, String name) {
            String tag = s.substring(start, tagEnd);
            String add = null;
            if (name.startsWith("stream:")) {
                if (!tag.contains(" xmlns:stream=")) add = " xmlns:stream='" + STREAM_NS + "'";
            } else if (name.indexOf(':') < 0 && !tag.contains(" xmlns=")) {
                add = " xmlns='" + Namespaces.CLIENT + "'";
            }
            if (add == null) return s.substring(start, end);
            int at = start + 1 + name.length();
            return new StringBuilder(end - start + add.length()).append(s, start, at).append(add)
                    .append(s, at, end).toString();
        }

        private static String tagName(String s, int lt) {
            int i = lt + 1;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '>' || c == '/' || isSpace(c)) break;
                i++;
            }
            return s.substring(lt + 1, i);
        }

        /** Index just past the element that starts at lt, or -1 when its end has not come yet. */
        private static int elementEnd(String s, int lt) {
            int depth = 0;
            int i = lt;
            while (true) {
                int open = s.indexOf('<', i);
                if (open < 0) return -1;
                int close = s.indexOf('>', open);
                if (close < 0) return -1;
                if (s.charAt(open + 1) == '/') {
                    depth--;
                } else if (s.charAt(close - 1) != '/') {
                    depth++;
                }
                i = close + 1;
                if (depth == 0) return i;
            }
        }
    }
}
