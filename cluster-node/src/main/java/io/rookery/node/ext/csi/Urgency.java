package io.rookery.node.ext.csi;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.carbons.Carbons;
import io.rookery.protocol.xep.mam.Mam;
import io.rookery.protocol.xep.muc.Muc;
import io.rookery.protocol.xml.Element;

/**
 * What an inactive client gets at once and what may wait (XEP-0352 §3.2 leaves it to the server). Close to Prosody's
 * mod_csi_simple and ejabberd's mod_client_state: what a user would want a phone woken for, or what the client is
 * waiting for, is urgent; what only keeps a display current waits, and presence and chat states, of which only the
 * latest matters, are coalesced per sender.
 */
final class Urgency {
    /** XEP-0085 chat states. */
    static final String CHAT_STATES = "http://jabber.org/protocol/chatstates";
    /** XEP-0353 Jingle message initiation (propose, retract, accept, proceed, reject): a call rings. */
    static final String JINGLE_MESSAGE = "urn:xmpp:jingle-message:0";
    /** XEP-0380 explicit message encryption; XEP-0384 OMEMO (both namespaces in use). */
    static final String EME = "urn:xmpp:eme:0";
    static final String OMEMO = "urn:xmpp:omemo:2";
    static final String OMEMO_LEGACY = "eu.siacs.conversations.axolotl";
    /** XEP-0334 hints, XEP-0359 ids: carried along with a chat state without making it more than one. */
    private static final String HINTS = "urn:xmpp:hints";
    private static final String SID = "urn:xmpp:sid:0";

    /** What to do with one stanza for an inactive client. */
    enum Kind {
        /** Written at once, with everything held before it. */
        URGENT,
        /** Held; a later one from the same sender replaces it (presence, chat states). */
        COALESCED,
        /** Held as it is, in order. */
        HELD
    }

    private Urgency() {}

    static Kind of(Element stanza) {
        return switch (stanza.name()) {
            case "presence" -> presence(stanza);
            case "message" -> message(stanza);
            default -> Kind.URGENT; // iq: a request to the client, or the answer to its own
        };
    }

    private static Kind presence(Element p) {
        String type = p.attr("type");
        if (type == null || "unavailable".equals(type)) {
            // XEP-0045 §7.2.3: the room's presence for the client itself (status 110) answers its own join or change.
            Element x = p.child("x", Muc.USER);
            if (x != null) {
                for (Element status : x.children("status", Muc.USER)) {
                    if ("110".equals(status.attr("code"))) return Kind.URGENT;
                }
            }
            return Kind.COALESCED;
        }
        // RFC 6121 §3.1.3: a subscription request waits for the user's answer; a changed subscription comes with a
        // roster push (an iq, urgent) anyway, and errors can wait with the rest.
        return "subscribe".equals(type) ? Kind.URGENT : Kind.HELD;
    }

    private static Kind message(Element m) {
        String type = m.attr("type");
        if ("error".equals(type)) return Kind.URGENT; // about something the client sent
        Element inner = carried(m);
        if (inner != m) return important(inner) ? Kind.URGENT : Kind.HELD;
        if ("headline".equals(type) && m.child("body", null) == null) return Kind.HELD;
        if (important(m)) return Kind.URGENT;
        return chatStateOnly(m) ? Kind.COALESCED : Kind.HELD;
    }

    /** A message with a body, a subject, an encrypted payload, an invitation or a call. */
    private static boolean important(Element m) {
        for (Element child : m.elements()) {
            String ns = child.namespace();
            String name = child.name();
            if (stanzaNamespace(ns) && ("body".equals(name) || "subject".equals(name))) {
                return true;
            }
            if (JINGLE_MESSAGE.equals(ns) || EME.equals(ns) || OMEMO.equals(ns) || OMEMO_LEGACY.equals(ns)
                    || Muc.DIRECT_INVITE.equals(ns)) {
                return true;
            }
            if ("x".equals(name) && Muc.USER.equals(ns) && child.child("invite", Muc.USER) != null) return true;
            // XEP-0313: a page of the archive the client asked for; its iq result follows and would flush it.
            if ("result".equals(name) && Mam.NS.equals(ns)) return true;
        }
        return false;
    }

    /** The stanza's own namespace: jabber:client, or jabber:server for what came from another server as it was. */
    private static boolean stanzaNamespace(String ns) {
        return ns == null || ns.isEmpty() || Namespaces.CLIENT.equals(ns) || Namespaces.SERVER.equals(ns);
    }

    /** The forwarded message of a XEP-0280 carbon, judged in its place; the message itself otherwise. */
    private static Element carried(Element m) {
        Element copy = m.child("received", Carbons.NS);
        if (copy == null) copy = m.child("sent", Carbons.NS);
        if (copy == null) return m;
        Element forwarded = copy.child("forwarded", Carbons.FORWARD);
        Element inner = forwarded == null ? null : forwarded.child("message", Namespaces.CLIENT);
        return inner == null ? m : inner;
    }

    /**
     * Only a chat state (with the hints, ids and thread that may come with it): replacing it with the sender's next
     * loses nothing. A message that carries anything else (a receipt, a marker) is held as it is.
     */
    private static boolean chatStateOnly(Element m) {
        boolean state = false;
        for (Element child : m.elements()) {
            String ns = child.namespace();
            if (CHAT_STATES.equals(ns)) {
                state = true;
            } else if (!HINTS.equals(ns) && !SID.equals(ns)
                    && !("thread".equals(child.name()) && stanzaNamespace(ns))) {
                return false;
            }
        }
        return state;
    }
}
