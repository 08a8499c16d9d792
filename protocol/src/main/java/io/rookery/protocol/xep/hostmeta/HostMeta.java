package io.rookery.protocol.xep.hostmeta;

import io.rookery.protocol.xml.XmlWriter;
import java.util.Map;

/**
 * XEP-0156 §3: the links of {@code /.well-known/host-meta} (RFC 6415 XRD) and {@code /.well-known/host-meta.json}
 * (its JSON form) that name a server's alternative connection methods, by their {@code rel}.
 */
public final class HostMeta {
    /** RFC 7395 §4: XMPP over WebSocket. */
    public static final String WEBSOCKET = "urn:xmpp:alt-connections:websocket";
    /** XEP-0206: XMPP over BOSH. */
    public static final String BOSH = "urn:xmpp:alt-connections:xbosh";
    public static final String XRD_NS = "http://docs.oasis-open.org/ns/xri/xrd-1.0";
    public static final String XRD_TYPE = "application/xrd+xml";

    private HostMeta() {}

    /** The XRD document with one Link per entry (rel to href), in the map's order. */
    public static String xrd(Map<String, String> links) {
        StringBuilder b = new StringBuilder(256).append("<?xml version='1.0' encoding='utf-8'?>\n<XRD xmlns='")
                .append(XRD_NS).append("'>\n");
        for (Map.Entry<String, String> l : links.entrySet()) {
            b.append("  <Link rel='");
            XmlWriter.escapeAttr(l.getKey(), b);
            b.append("' href='");
            XmlWriter.escapeAttr(l.getValue(), b);
            b.append("'/>\n");
        }
        return b.append("</XRD>\n").toString();
    }

    /** The JSON form (RFC 6415 Appendix A): {@code {"links":[{"rel":...,"href":...}]}}. */
    public static String json(Map<String, String> links) {
        StringBuilder b = new StringBuilder(256).append("{\"links\":[");
        boolean first = true;
        for (Map.Entry<String, String> l : links.entrySet()) {
            if (!first) b.append(',');
            first = false;
            b.append("{\"rel\":");
            jsonString(l.getKey(), b);
            b.append(",\"href\":");
            jsonString(l.getValue(), b);
            b.append('}');
        }
        return b.append("]}\n").toString();
    }

    private static void jsonString(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }
}
