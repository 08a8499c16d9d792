package io.rookery.node.ext;

import io.rookery.protocol.xml.Element;
import java.util.List;

/**
 * A module's say in when a bound stream's stanzas reach the client, for protocols by which a client says it is not
 * in use (XEP-0352 client state indication). The client tells its state with top-level elements of
 * {@link #namespace}; while it says it is inactive, the session offers every stanza for it to the {@link Holding} the
 * policy gave it, which holds the stanza back or returns what to write now. This sits beside the one
 * {@link StreamExtension} state a stream may have (XEP-0198): holding decides <em>when</em> a stanza is written, the
 * extension counts it once it is.
 *
 * <p>Costs: a session keeps one field for this, null while its client is active (every stream starts active, and a
 * stream that resumes another starts active again, XEP-0352 §4.2), so clients that never say they are inactive cost
 * nothing more; a holding exists only while its client is inactive. Nothing is timed: held stanzas wait for an urgent
 * one, for the client to become active, for the holding to be full, or for the stream to end. Pure and not
 * thread-safe: one holding per session, used by that session's actor only. At most one enabled module declares one.
 */
public interface ClientStatePolicy {
    /** The namespace of the top-level elements by which the client tells its state. */
    String namespace();

    /**
     * An element of the namespace: TRUE when the client says it is inactive, FALSE when active; null for an element
     * the policy does not know (the stream then ends with unsupported-stanza-type, as for any unknown nonza).
     */
    Boolean inactive(Element e);

    /** A new, empty holding, for a stream whose client became inactive. */
    Holding holding();

    /** Why held stanzas are let go all at once. */
    enum Release {
        /** The client said it is active again. */
        ACTIVE,
        /**
         * The connection is gone and the session waits to be resumed (XEP-0198 §5), or another stream takes it over:
         * what was held goes to the stream extension's unacknowledged stanzas, sent again on resumption.
         */
        DETACHED,
        /** The session ends: what was held goes back to the account, as what was never written does. */
        ENDED
    }

    /** What one inactive stream holds back. */
    interface Holding {
        /**
         * A stanza for the client: null when it is held (or replaces one held), else everything to write now, in
         * order (what was held, then this stanza last), after which the holding is empty.
         */
        List<Element> offer(Element stanza);

        /** Everything held, in the order to write it; the holding is empty afterwards. */
        List<Element> release(Release reason);
    }
}
