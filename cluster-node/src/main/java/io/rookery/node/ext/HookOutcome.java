package io.rookery.node.ext;

import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.List;

/**
 * What hook handlers decided: stanzas for resources of the account the hook was about, and stanzas to route.
 * Persisting from a hook is not supported yet (the first module that needs it, the archive, will add it).
 */
public record HookOutcome(List<ToResource> toResources, List<Element> route) {
    public static final HookOutcome NONE = new HookOutcome(List.of(), List.of());

    /** A stanza for one bound resource of the account. */
    public record ToResource(String resource, Element stanza) {}

    public HookOutcome {
        toResources = List.copyOf(toResources);
        route = List.copyOf(route);
    }

    public static HookOutcome toResources(List<ToResource> stanzas) {
        return stanzas.isEmpty() ? NONE : new HookOutcome(stanzas, List.of());
    }

    boolean isEmpty() {
        return toResources.isEmpty() && route.isEmpty();
    }

    /** Both outcomes' stanzas, this one's first. */
    HookOutcome and(HookOutcome other) {
        if (other.isEmpty()) return this;
        if (isEmpty()) return other;
        List<ToResource> r = new ArrayList<>(toResources);
        r.addAll(other.toResources);
        List<Element> e = new ArrayList<>(route);
        e.addAll(other.route);
        return new HookOutcome(r, e);
    }
}
