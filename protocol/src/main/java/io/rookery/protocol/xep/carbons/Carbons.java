package io.rookery.protocol.xep.carbons;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;

/**
 * XEP-0280 namespaces and its pure rules: which messages are copied (§6.1, with XEP-0334 no-copy) and how a copy is
 * wrapped (§6, §7).
 */
public final class Carbons {
    public static final String NS = "urn:xmpp:carbons:2";
    /** XEP-0297 Stanza Forwarding. */
    public static final String FORWARD = "urn:xmpp:forward:0";
    /** XEP-0334 Message Processing Hints ({@code <no-copy/>}). */
    public static final String HINTS = "urn:xmpp:hints";

    private Carbons() {}

    /** An enable or disable request (§4, §5): true or false, or null when the iq is something else. */
    public static Boolean toggle(Element iq) {
        if (!"set".equals(iq.attr("type")) || iq.elements().size() != 1) return null;
        Element payload = iq.elements().get(0);
        if (payload.is("enable", NS)) return Boolean.TRUE;
        if (payload.is("disable", NS)) return Boolean.FALSE;
        return null;
    }

    /**
     * §6.1: messages of type chat without {@code <private/>} or XEP-0334 {@code <no-copy/>}, and never a carbon.
     * Not supported: type normal with a body, and the other cases of §6 (those are not copied).
     */
    public static boolean eligible(Element message) {
        if (!"message".equals(message.name()) || !"chat".equals(message.attr("type"))) return false;
        if (message.child("private", NS) != null || message.child("no-copy", HINTS) != null) return false;
        // A carbon (or something that looks like one) is never copied again.
        return message.child("received", NS) == null && message.child("sent", NS) == null;
    }

    /** §6, §7: {@code <message from=bare to=full type=chat><received|sent><forwarded>original</forwarded>...}. */
    public static Element wrap(String direction, String bare, String fullTo, Element original) {
        return Element.builder("message", Namespaces.CLIENT)
                .attr("from", bare)
                .attr("to", fullTo)
                .attr("type", "chat")
                .child(Element.builder(direction, NS)
                        .child(Element.builder("forwarded", FORWARD).child(original).build())
                        .build())
                .build();
    }
}
