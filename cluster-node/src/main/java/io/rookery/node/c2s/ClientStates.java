package io.rookery.node.c2s;

import io.rookery.node.ext.ClientStatePolicy;
import io.rookery.node.user.SessionProtocol.Message;
import io.rookery.protocol.xml.Element;
import java.util.List;
import org.apache.pekko.actor.typed.Behavior;

/**
 * The session's side of a {@link ClientStatePolicy} (XEP-0352): the client's state elements, and what its holding
 * does at the points where the session's life changes. A session holds only while it is {@link Established} with a
 * connection: a detached one hands what it held to its stream extension (sent again on resumption), an ending one
 * hands the messages back to the account ({@link SessionActor#handBack}), as it does what it never wrote.
 */
final class ClientStates {
    private ClientStates() {}

    /** A top-level element of the policy's namespace, before or after binding. */
    static Behavior<Message> element(SessionActor s, ClientStatePolicy policy, Element e) {
        Boolean inactive = policy.inactive(e);
        if (inactive == null) return null; // unknown: the caller ends the stream (unsupported-stanza-type)
        indicate(s, inactive);
        return s.processed();
    }

    /**
     * The client says it is inactive (true) or active (false): the one entry for the state, whether from a
     * {@code <inactive/>} on the stream or inline in a login (XEP-0386 Bind2). Becoming active writes what was held;
     * saying the same twice changes nothing. Ignored while no enabled module has a policy.
     */
    static void indicate(SessionActor s, boolean inactive) {
        ClientStatePolicy policy = s.services.modules().clientState();
        if (policy == null) return;
        if (inactive) {
            if (s.held == null) s.held = policy.holding();
        } else if (s.held != null) {
            ClientStatePolicy.Holding h = s.held;
            s.held = null;
            for (Element stanza : h.release(ClientStatePolicy.Release.ACTIVE)) s.write(stanza);
        }
    }

    /** XEP-0386 §3.1: the state elements sent inline in a Bind 2 request; the last one counts. */
    static void inline(SessionActor s, Element bind) {
        ClientStatePolicy policy = s.services.modules().clientState();
        if (policy == null) return;
        for (Element e : bind.elements()) {
            Boolean inactive = policy.namespace().equals(e.namespace()) ? policy.inactive(e) : null;
            if (inactive != null) indicate(s, inactive);
        }
    }

    /** A stanza for an inactive client: held, or written with what was held before it. */
    static void offer(SessionActor s, Element stanza) {
        List<Element> now = s.held.offer(stanza);
        if (now != null) for (Element e : now) s.write(e);
    }

    /**
     * The connection is gone but the session goes on elsewhere or later (XEP-0198 detached, or taken over by a new
     * stream): what was held is written into the stream extension, which keeps it until the client acknowledges it.
     * Call it once the state no longer holds (detached) or before the extension hands over (take-over).
     */
    static void detached(SessionActor s) {
        if (s.held == null) return;
        ClientStatePolicy.Holding h = s.held;
        s.held = null;
        for (Element stanza : h.release(ClientStatePolicy.Release.DETACHED)) s.write(stanza);
    }

    /** The session ends: held messages go back to the account (presence and the like are dropped). */
    static void ended(SessionActor s) {
        if (s.held == null) return;
        ClientStatePolicy.Holding h = s.held;
        s.held = null;
        List<Element> held = h.release(ClientStatePolicy.Release.ENDED);
        if (!held.isEmpty() && s.user != null) s.handBack(held, s.user.bare());
    }
}
