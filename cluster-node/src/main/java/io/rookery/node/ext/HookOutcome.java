package io.rookery.node.ext;

import io.rookery.persistence.user.UserEvent;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * What hook handlers decided: stanzas for resources of the account the hook was about, stanzas to route, and
 * events for the account's journal. The stanzas are sent first, then the events persisted: a crash in between
 * sends something twice rather than losing it (stored messages are removed only once they were handed over).
 *
 * <p>{@code then}, when not null, is work that must wait for a store (a read or a write outside the account's
 * journal): the account starts it once the events are persisted, handles nothing else until it completes (the
 * commands that arrive meanwhile wait, in order), then handles the outcome it completes with in the same way. It
 * must not block: it returns a stage at once. A stage that fails is logged and counted; a module that can answer a
 * failure (bounce a message it could not store) recovers the stage itself.
 */
public record HookOutcome(List<ToResource> toResources, List<Element> route, List<UserEvent> persist,
        Supplier<CompletionStage<HookOutcome>> then) {
    public static final HookOutcome NONE = new HookOutcome(List.of(), List.of(), List.of());

    /** A stanza for one bound resource of the account. */
    public record ToResource(String resource, Element stanza) {}

    public HookOutcome {
        toResources = List.copyOf(toResources);
        route = List.copyOf(route);
        persist = List.copyOf(persist);
    }

    public HookOutcome(List<ToResource> toResources, List<Element> route, List<UserEvent> persist) {
        this(toResources, route, persist, null);
    }

    /** Only work that waits for a store. */
    public static HookOutcome later(Supplier<CompletionStage<HookOutcome>> then) {
        return new HookOutcome(List.of(), List.of(), List.of(), then);
    }

    /** This outcome, then (once its events are stored) the given work. */
    public HookOutcome andThen(Supplier<CompletionStage<HookOutcome>> next) {
        return new HookOutcome(toResources, route, persist, next);
    }

    public static HookOutcome toResources(List<ToResource> stanzas) {
        return stanzas.isEmpty() ? NONE : new HookOutcome(stanzas, List.of(), List.of());
    }

    public static HookOutcome route(Element stanza) {
        return new HookOutcome(List.of(), List.of(stanza), List.of());
    }

    public static HookOutcome persist(UserEvent event) {
        return new HookOutcome(List.of(), List.of(), List.of(event));
    }

    boolean isEmpty() {
        return toResources.isEmpty() && route.isEmpty() && persist.isEmpty() && then == null;
    }

    /** Both outcomes' stanzas, this one's first. */
    HookOutcome and(HookOutcome other) {
        if (other.isEmpty()) return this;
        if (isEmpty()) return other;
        List<ToResource> r = new ArrayList<>(toResources);
        r.addAll(other.toResources);
        List<Element> e = new ArrayList<>(route);
        e.addAll(other.route);
        List<UserEvent> p = new ArrayList<>(persist);
        p.addAll(other.persist);
        // Both modules' waiting work, one after the other.
        Supplier<CompletionStage<HookOutcome>> first = then;
        Supplier<CompletionStage<HookOutcome>> second = other.then;
        Supplier<CompletionStage<HookOutcome>> both = first == null ? second : second == null ? first
                : () -> first.get().thenCompose(a -> second.get().thenApply(a::and));
        return new HookOutcome(r, e, p, both);
    }
}
