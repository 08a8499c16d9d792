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
 * {@link ResourceFlags} to set and clear on the requesting resource (its own account only); {@code before}: stanzas
 * for the requester sent just before the reply (XEP-0313 results, which must precede their {@code <fin/>}).
 */
public record IqOutcome(Element reply, List<UserEvent> persist, List<Element> route,
        List<HookOutcome.ToResource> toResources, int flagsSet, int flagsCleared, CompletionStage<IqOutcome> later,
        List<Element> before) {
    public IqOutcome {
        persist = List.copyOf(persist);
        route = List.copyOf(route);
        toResources = List.copyOf(toResources);
        before = List.copyOf(before);
    }

    public IqOutcome(Element reply, List<UserEvent> persist, List<Element> route) {
        this(reply, persist, route, List.of(), 0, 0, null, List.of());
    }

    /** This reply, these stanzas to the requester sent before it. */
    public static IqOutcome replyAfter(List<Element> before, Element reply) {
        return new IqOutcome(reply, List.of(), List.of(), List.of(), 0, 0, null, before);
    }

    /** The same, and these {@link ResourceFlags} set and cleared on the requesting resource. */
    public IqOutcome withFlags(int set, int cleared) {
        return new IqOutcome(reply, persist, route, toResources, set, cleared, later, before);
    }

    /** The same, and these stanzas for the account's resources, sent after the reply (own account only). */
    public IqOutcome withPushes(List<HookOutcome.ToResource> pushes) {
        return new IqOutcome(reply, persist, route, pushes, flagsSet, flagsCleared, later, before);
    }

    /**
     * The answer comes later, when the stage completes (a failed stage is answered with internal-server-error).
     * Streams not yet authenticated ({@link AddressKind#STREAM}) wait for it without reading the next element; the
     * user's own account ({@link AddressKind#OWN_ACCOUNT}) goes on with other work meanwhile (a store read), and
     * the completed answer may not itself come later; the server ({@link AddressKind#SERVER}) sends the reply to
     * the requester through the router when it comes, and it may not persist anything.
     */
    public static IqOutcome later(CompletionStage<IqOutcome> answer) {
        return new IqOutcome(null, List.of(), List.of(), List.of(), 0, 0, answer, List.of());
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
