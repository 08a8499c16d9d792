package io.rookery.node.ext;

import io.rookery.persistence.user.UserEvent;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What handling an iq decided: the reply to the requester, the events to persist in the addressed account's
 * journal first (only for account addresses; the server has no journal), then, once they are stored, the reply,
 * stanzas for the account's own resources (pushes, such as XEP-0191's) and further stanzas to route; and
 * {@link ResourceFlags} to set and clear on the requesting resource (its own account only).
 */
public record IqOutcome(Element reply, List<UserEvent> persist, List<Element> route,
        List<HookOutcome.ToResource> toResources, int flagsSet, int flagsCleared, CompletionStage<IqOutcome> later) {
    public IqOutcome {
        persist = List.copyOf(persist);
        route = List.copyOf(route);
        toResources = List.copyOf(toResources);
    }

    public IqOutcome(Element reply, List<UserEvent> persist, List<Element> route) {
        this(reply, persist, route, List.of(), 0, 0, null);
    }

    /** The same, and these {@link ResourceFlags} set and cleared on the requesting resource. */
    public IqOutcome withFlags(int set, int cleared) {
        return new IqOutcome(reply, persist, route, toResources, set, cleared, later);
    }

    /** The same, and these stanzas for the account's resources, sent after the reply (own account only). */
    public IqOutcome withPushes(List<HookOutcome.ToResource> pushes) {
        return new IqOutcome(reply, persist, route, pushes, flagsSet, flagsCleared, later);
    }

    /**
     * The answer comes later, when the stage completes (a failed stage is answered with internal-server-error).
     * Only streams not yet authenticated take it so far ({@link AddressKind#STREAM}): the session waits for it
     * without reading the next element.
     */
    public static IqOutcome later(CompletionStage<IqOutcome> answer) {
        return new IqOutcome(null, List.of(), List.of(), List.of(), 0, 0, answer);
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
