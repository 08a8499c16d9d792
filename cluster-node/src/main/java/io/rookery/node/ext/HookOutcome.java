package io.rookery.node.ext;

import io.rookery.persistence.user.UserEvent;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.List;

/**
 * What hook handlers decided: stanzas for resources of the account the hook was about, stanzas to route, and
 * events for the account's journal. The stanzas are sent first, then the events persisted: a crash in between
 * sends something twice rather than losing it (stored messages are removed only once they were handed over).
 */
public record HookOutcome(List<ToResource> toResources, List<Element> route, List<UserEvent> persist) {
    public static final HookOutcome NONE = new HookOutcome(List.of(), List.of(), List.of());

    /** A stanza for one bound resource of the account. */
    public record ToResource(String resource, Element stanza) {}

    public HookOutcome {
        toResources = List.copyOf(toResources);
        route = List.copyOf(route);
        persist = List.copyOf(persist);
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
        return toResources.isEmpty() && route.isEmpty() && persist.isEmpty();
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
        return new HookOutcome(r, e, p);
    }
}
