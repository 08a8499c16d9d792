package io.rookery.protocol.xep.sm;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.XmlWriter;

/**
 * XEP-0198's top-level elements (nonzas: they are not stanzas and are not counted) and its counters: unsigned 32-bit
 * numbers that wrap from 2^32-1 to 0 (§4).
 */
public final class StreamManagement {
    public static final String NS = "urn:xmpp:sm:3";
    /** The stream feature (§2), offered after authentication. */
    public static final String FEATURE = "<sm xmlns='" + NS + "'/>";
    /** A request for acknowledgement (§4). */
    public static final String REQUEST = "<r xmlns='" + NS + "'/>";
    /** The largest counter value; the next one is 0. */
    public static final long MAX_COUNT = 0xFFFF_FFFFL;

    private StreamManagement() {}

    /** Whether the element belongs to XEP-0198. */
    public static boolean is(Element e) {
        return NS.equals(e.namespace());
    }

    /** The counter after one more stanza (§4: 2^32-1 is followed by 0). */
    public static long increment(long count) {
        return (count + 1) & MAX_COUNT;
    }

    /** How many stanzas lie between two counter values, across a wrap-around: {@code to - from} modulo 2^32. */
    public static long between(long from, long to) {
        return (to - from) & MAX_COUNT;
    }

    /** An ack (§4): {@code <a h='…'/>}. */
    public static String ack(long handled) {
        return "<a xmlns='" + NS + "' h='" + handled + "'/>";
    }

    /**
     * The answer to {@code <enable/>} (§3): with an id, and {@code resume='true'} with the preferred maximum
     * resumption time in seconds when the stream can be resumed (max of 0: no preference given).
     */
    public static String enabled(String id, boolean resume, long maxSeconds) {
        return enabled(id, resume, maxSeconds, null);
    }

    /** The same, with the address the client should resume at (§3 'location'; null or empty: none). */
    public static String enabled(String id, boolean resume, long maxSeconds, String location) {
        StringBuilder out = new StringBuilder(96).append("<enabled xmlns='").append(NS).append('\'');
        if (id != null) {
            out.append(" id='");
            XmlWriter.escapeAttr(id, out);
            out.append('\'');
        }
        if (resume) {
            out.append(" resume='true'");
            if (maxSeconds > 0) out.append(" max='").append(maxSeconds).append('\'');
            if (location != null && !location.isEmpty()) {
                out.append(" location='");
                XmlWriter.escapeAttr(location, out);
                out.append('\'');
            }
        }
        return out.append("/>").toString();
    }

    /** A stream resumed (§5): the session's id and the stanzas the server had handled from the client. */
    public static String resumed(String previd, long handled) {
        StringBuilder out = new StringBuilder(96).append("<resumed xmlns='").append(NS).append("' previd='");
        XmlWriter.escapeAttr(previd, out);
        return out.append("' h='").append(handled).append("'/>").toString();
    }

    /** An error about {@code <enable/>} or {@code <resume/>} (§6): one of RFC 6120's stanza error conditions. */
    public static String failed(StanzaErrorCondition condition) {
        return "<failed xmlns='" + NS + "'><" + condition.elementName() + " xmlns='" + Namespaces.STANZAS
                + "'/></failed>";
    }

    /**
     * The stream error for a peer that acknowledged more stanzas than it was sent (§6): undefined-condition with
     * {@code <handled-count-too-high/>}, inside {@code <stream:error>} (the stream prefix the header declared).
     */
    public static String handledCountTooHigh(long handled, long sent) {
        return "<stream:error><undefined-condition xmlns='" + Namespaces.STREAMS_ERRORS + "'/>"
                + "<handled-count-too-high xmlns='" + NS + "' h='" + handled + "' send-count='" + sent + "'/>"
                + "<text xmlns='" + Namespaces.STREAMS_ERRORS + "'>You acknowledged " + handled
                + " stanzas, but I only sent you " + sent + " so far.</text></stream:error>";
    }

    /** The 'h' of an {@code <a/>} (or of a {@code <resume/>}): 0 to 2^32-1, or -1 when it is missing or not one. */
    public static long handled(Element e) {
        String h = e.attr("h");
        if (h == null || h.isEmpty() || h.length() > 10) return -1;
        long value = 0;
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (c < '0' || c > '9') return -1;
            value = value * 10 + (c - '0');
        }
        return value <= MAX_COUNT ? value : -1;
    }

    /** XML Schema booleans (§3): "true" or "1". */
    public static boolean wantsResumption(Element enable) {
        String resume = enable.attr("resume");
        return "true".equals(resume) || "1".equals(resume);
    }
}
