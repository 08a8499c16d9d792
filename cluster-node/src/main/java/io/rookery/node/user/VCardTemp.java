package io.rookery.node.user;

import io.rookery.persistence.vcard.VCardStored;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.nio.charset.StandardCharsets;

/**
 * XEP-0054 vcard-temp (1.2): the user reads and replaces their own vCard (§3.1, §3.2); anyone else may read it by
 * sending a get to the user's bare JID, which the server answers on the user's behalf (§3.3). The vCard is kept as
 * the client sent it, whole: the server neither validates nor merges its fields.
 *
 * <p>Not supported: vCard photos beyond {@link #MAX_BYTES}, removing a vCard (an empty {@code <vCard/>} is stored
 * and returned as it is), and XEP-0153 avatar hashes in presence.
 */
final class VCardTemp {
    static final String NS = io.rookery.protocol.xep.vcard.VCard.NS;

    /**
     * The largest vCard stored, as serialized XML. Every vCard is held in the entity's memory and replayed from its
     * journal, so a bound keeps both cheap; 64 KiB leaves room for a small embedded photo. Larger ones are refused
     * with not-acceptable. A constant rather than a setting until someone needs another value.
     */
    static final int MAX_BYTES = 64 * 1024;

    private VCardTemp() {}

    /** An iq get or set whose one payload is {@code <vCard xmlns='vcard-temp'/>}. */
    static boolean isRequest(Element iq) {
        String type = iq.attr("type");
        return ("get".equals(type) || "set".equals(type)) && iq.elements().size() == 1
                && iq.elements().get(0).is("vCard", NS);
    }

    /** A request from one of the user's own sessions: get returns the stored vCard, set replaces it. */
    static Outcome own(UserState state, OnlineResources online, String resource, Element iq) {
        Outcome out = new Outcome();
        if ("get".equals(iq.attr("type"))) {
            Element reply = Stanzas.iqResult(iq, stored(state));
            return out.then(() -> online.sendTo(resource, reply));
        }
        Element vcard = iq.elements().get(0);
        String xml = StoredXml.write(vcard);
        if (xml.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            Element reply = Stanzas.errorReply(iq, StanzaError.of(StanzaErrorCondition.NOT_ACCEPTABLE,
                    "a vCard may hold at most " + MAX_BYTES + " bytes"));
            return out.then(() -> online.sendTo(resource, reply));
        }
        Element reply = Stanzas.iqResult(iq, null);
        return out.persist(new VCardStored(xml)).then(() -> online.sendTo(resource, reply));
    }

    /**
     * A request from someone else to the user's bare JID: a get is answered with the user's vCard (§3.3), a set is
     * forbidden: only the user changes their vCard.
     */
    static Element answerOther(UserState state, Element iq) {
        if ("get".equals(iq.attr("type"))) return Stanzas.iqResult(iq, stored(state));
        return Stanzas.errorReply(iq, StanzaError.of(StanzaErrorCondition.FORBIDDEN));
    }

    /** §3.1 allows item-not-found or an empty vCard when there is none; the empty one is easier on clients. */
    private static Element stored(UserState state) {
        return state.vcardXml == null ? Element.of("vCard", NS) : StoredXml.parse(state.vcardXml);
    }
}
