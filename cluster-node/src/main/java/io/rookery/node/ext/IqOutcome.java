package io.rookery.node.ext;

import io.rookery.persistence.user.UserEvent;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import java.util.List;

/**
 * What handling an iq decided: the reply to the requester, the events to persist in the addressed account's
 * journal first (only for account addresses; the server has no journal), and further stanzas to route once they
 * are stored.
 */
public record IqOutcome(Element reply, List<UserEvent> persist, List<Element> route) {
    public IqOutcome {
        persist = List.copyOf(persist);
        route = List.copyOf(route);
    }

    public static IqOutcome reply(Element reply) {
        return new IqOutcome(reply, List.of(), List.of());
    }

    /** A reply sent once these events are stored. */
    public static IqOutcome persisting(Element reply, UserEvent... events) {
        return new IqOutcome(reply, List.of(events), List.of());
    }

    /** A result carrying payload (null: an empty result). */
    public static IqOutcome result(Element iq, Element payload) {
        return reply(Stanzas.iqResult(iq, payload));
    }

    public static IqOutcome error(Element iq, StanzaErrorCondition condition) {
        return reply(Stanzas.errorReply(iq, StanzaError.of(condition)));
    }
}
