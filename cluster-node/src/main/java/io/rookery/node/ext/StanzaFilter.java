package io.rookery.node.ext;

import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xml.Element;

/**
 * Keeps stanzas from reaching an account or leaving it, as a pure function of one of the module's account parts
 * (XEP-0191 blocking; privacy lists would be another). The core asks it only while the part holds something, so
 * accounts that never used the module pay one null check. Because the answer depends on the part alone, the core
 * keeps a copy of a filtered part in each of the account's sessions ({@code SessionProtocol.PartMirrored}), and
 * the session applies {@link #outbound} to what its client sends without a hop to the account.
 */
public interface StanzaFilter<S> {
    /** What to do instead of letting a stanza through: drop it, or drop it and answer with {@link #reply}. */
    record Verdict(Element reply) {
        public static final Verdict DROP = new Verdict(null);

        public static Verdict answer(Element reply) {
            return new Verdict(reply);
        }
    }

    /**
     * A stanza addressed to the account (its bare or a full JID), 'from' stamped by the server. Null lets it
     * through; a verdict's reply is routed back to the sender.
     */
    Verdict inbound(S part, AccountView account, Element stanza, Jid from);

    /**
     * A stanza the user sends to {@code to}: from a session (the reply goes to that session's client), or on the
     * user's behalf by the server (presence broadcasts and probes: any verdict keeps it from being sent, and no
     * reply is made). Null lets it through.
     */
    Verdict outbound(S part, Element stanza, Jid to);
}
