package io.rookery.node.user;

import io.rookery.persistence.roster.RosterItem;
import io.rookery.persistence.roster.Subscription;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;

/**
 * XEP-0012 last activity (2.0) of an account, answered by the server for the user's bare JID (§4): 0 while a
 * resource is available, else the seconds since the last one went away.
 *
 * <p>Not supported: that instant is kept in memory only ({@link OnlineResources}), not persisted, so after a node
 * restart or the entity's passivation (no session for {@code rookery.user.passivate-after}) it is unknown and the
 * answer is service-unavailable until the user has been online again. The status of the last unavailable presence
 * is not included.
 */
final class LastActivity {
    private LastActivity() {}

    static boolean isQuery(Element iq) {
        return "get".equals(iq.attr("type")) && iq.elements().size() == 1
                && iq.elements().get(0).is("query", io.rookery.protocol.xep.last.LastActivity.NS);
    }

    /** §4: only the user and contacts allowed to see the user's presence (from, both) may ask; others get forbidden. */
    static Element answer(UserState state, OnlineResources online, Jid user, Element iq) {
        if (!allowed(state, user, iq.attr("from"))) {
            return Stanzas.errorReply(iq, StanzaError.of(StanzaErrorCondition.FORBIDDEN));
        }
        long seconds = online.lastActivitySeconds();
        if (seconds < 0) return Stanzas.errorReply(iq, StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE));
        return Stanzas.iqResult(iq, io.rookery.protocol.xep.last.LastActivity.result(seconds));
    }

    private static boolean allowed(UserState state, Jid user, String from) {
        if (from == null) return false;
        Jid requester;
        try {
            requester = Jid.parse(from).bare();
        } catch (InvalidJidException | RuntimeException e) {
            return false;
        }
        if (requester.equals(user.bare())) return true;
        RosterItem item = state.rosterItem(requester.toString());
        return item != null && (item.subscription() == Subscription.FROM || item.subscription() == Subscription.BOTH);
    }
}
