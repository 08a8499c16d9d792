package io.rookery.node.user;

import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;

/**
 * XEP-0280 message carbons (1.0.1, {@code urn:xmpp:carbons:2}): which messages are copied and how a copy is
 * wrapped. The per-resource flag lives in {@link OnlineResources}, in memory only: a client enables carbons again
 * on each new session, as the XEP requires (§4).
 *
 * <p>Eligible are messages of type chat without {@code <private xmlns='urn:xmpp:carbons:2'/>} (§6.1) or
 * {@code <no-copy xmlns='urn:xmpp:hints'/>} (XEP-0334). Not supported: type normal with a body, and the other
 * cases of §6 (groupchat private messages, error messages); those are not copied.
 */
final class Carbons {
    static final String NS = io.rookery.protocol.xep.carbons.Carbons.NS;
    static final String FORWARD = io.rookery.protocol.xep.carbons.Carbons.FORWARD;
    static final String HINTS = io.rookery.protocol.xep.carbons.Carbons.HINTS;

    private Carbons() {}

    /** An enable or disable request (§4, §5), or null when the iq is something else. */
    static Boolean toggle(Element iq) {
        if (!"set".equals(iq.attr("type")) || iq.elements().size() != 1) return null;
        Element payload = iq.elements().get(0);
        if (payload.is("enable", NS)) return Boolean.TRUE;
        if (payload.is("disable", NS)) return Boolean.FALSE;
        return null;
    }

    /** The answer to a toggle: a result, or bad-request when the resource is not bound here (never expected). */
    static Element answer(Element iq, boolean applied) {
        return applied ? Stanzas.iqResult(iq, null)
                : Stanzas.errorReply(iq, StanzaError.of(StanzaErrorCondition.BAD_REQUEST));
    }

}
