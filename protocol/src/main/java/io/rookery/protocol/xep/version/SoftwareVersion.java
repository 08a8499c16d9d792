package io.rookery.protocol.xep.version;

import io.rookery.protocol.xml.Element;

/** XEP-0092 §2: {@code <query xmlns='jabber:iq:version'><name/><version/>[<os/>]</query>}. */
public final class SoftwareVersion {
    public static final String NS = "jabber:iq:version";

    private SoftwareVersion() {}

    /** The result payload; os may be null (§5 lets an administrator hide it). */
    public static Element result(String name, String version, String os) {
        Element.Builder q = Element.builder("query", NS)
                .child(Element.builder("name", NS).text(name).build())
                .child(Element.builder("version", NS).text(version).build());
        if (os != null) q.child(Element.builder("os", NS).text(os).build());
        return q.build();
    }
}
