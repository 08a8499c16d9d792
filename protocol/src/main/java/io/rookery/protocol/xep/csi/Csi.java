package io.rookery.protocol.xep.csi;

import io.rookery.protocol.xml.Element;

/** XEP-0352: the namespace, the stream feature (§4.1) and the two state elements (§4.2). */
public final class Csi {
    public static final String NS = "urn:xmpp:csi:0";
    /** §4.1: offered among the features after authentication. */
    public static final String FEATURE = "<csi xmlns='urn:xmpp:csi:0'/>";
    public static final String ACTIVE = "<active xmlns='urn:xmpp:csi:0'/>";
    public static final String INACTIVE = "<inactive xmlns='urn:xmpp:csi:0'/>";

    private Csi() {}

    /** §4.2: TRUE for {@code <inactive/>}, FALSE for {@code <active/>}, null for anything else. */
    public static Boolean inactive(Element e) {
        if (!NS.equals(e.namespace())) return null;
        return switch (e.name()) {
            case "inactive" -> Boolean.TRUE;
            case "active" -> Boolean.FALSE;
            default -> null;
        };
    }
}
