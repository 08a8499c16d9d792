package io.rookery.loadtest;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import java.util.Base64;

/** What the sessions read out of the server's answers: SASL payloads, error conditions and texts. */
final class Replies {
    private static final byte[] NO_BYTES = new byte[0];

    private Replies() {}

    /** The SASL payload: base64 text, "=" or nothing for empty (RFC 6120 §6.4.2); null when not base64. */
    static byte[] saslData(Element e) {
        String t = e.text().trim();
        if (t.isEmpty() || t.equals("=")) return NO_BYTES;
        try {
            return Base64.getMimeDecoder().decode(t);
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    /** The defined condition of a stanza error (RFC 6120 §8.3.3), or "unknown". */
    static String stanzaErrorCondition(Element stanza) {
        Element error = stanza.child("error", null);
        Element cond = error == null ? null : firstChildExcept(error, Namespaces.STANZAS);
        return cond == null ? "unknown" : cond.name();
    }

    /** The text of a stanza error, or null: what an example may show of a refusal. */
    static String errorText(Element stanza) {
        Element error = stanza.child("error", null);
        return error == null ? null : error.childText("text", Namespaces.STANZAS);
    }

    /** The first child element in namespace ns other than {@code <text/>}. */
    static Element firstChildExcept(Element e, String ns) {
        for (Element c : e.elements()) {
            if (ns.equals(c.namespace()) && !c.name().equals("text")) return c;
        }
        return null;
    }
}
