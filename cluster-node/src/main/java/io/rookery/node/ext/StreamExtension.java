package io.rookery.node.ext;

import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.List;

/**
 * A module's part in a client's bound stream, for protocols that live on the stream rather than in stanzas (XEP-0198
 * stream management): it answers the top-level elements of its namespace and sees every stanza that crosses the
 * stream. Pure: it returns what the session writes, and the session writes it. A session keeps no state of the
 * module until the client sends it an element that starts one ({@link #start}), so streams that never use it cost
 * nothing.
 */
public interface StreamExtension {
    /** The namespace of the top-level elements this module answers. */
    String namespace();

    /**
     * An element of the namespace on a stream that has no state of this module yet. resource: the resource the
     * stream has bound (RFC 6120 §7), or null when only authentication has completed.
     */
    Outcome start(Element e, String resource);

    /** The state {@link State#portable} wrote, for a session that continues on another node. */
    State restore(Element portable);

    /** The answer to a resumption the node cannot make: the session is unknown here, gone, or not the user's. */
    String resumeFailed();

    /**
     * What the session does: write xml (may be empty), then end the stream if streamError is set; or, when resumeId
     * is set, resume the stream of that id with the client's count of handled stanzas (resumeHandled). The resource
     * the id was given to (resumeResource, null when the id names none) finds the session on another node.
     */
    record Outcome(String xml, String streamError, State state, String resumeId, String resumeResource,
            long resumeHandled) {
        public static Outcome write(String xml) {
            return new Outcome(xml, null, null, null, null, -1);
        }

        public static Outcome started(String xml, State state) {
            return new Outcome(xml, null, state, null, null, -1);
        }

        /** Ends the stream with this {@code <stream:error>} (its XML, with the stream prefix). */
        public static Outcome streamError(String xml) {
            return new Outcome("", xml, null, null, null, -1);
        }

        public static Outcome resume(String id, String resource, long handled) {
            return new Outcome("", null, null, id, resource, handled);
        }
    }

    /** What a resumed stream writes first (the outcome) and then sends again (replay). */
    record Resumption(Outcome outcome, List<Element> replay) {}

    /** The module's state in one stream, kept by the session. */
    interface State {
        /** The namespace of the extension this is the state of. */
        String namespace();

        /** A later element of the namespace. */
        Outcome onElement(Element e);

        /** The server took one more stanza from the client (it answered it, routed it or refused it). */
        void handled();

        /** A stanza is written to the client; returns what to write right after it, or null. */
        String sent(Element stanza);

        /**
         * Written stanzas wait for an acknowledgement nobody asked for yet (fewer than the count that asks at once):
         * the session has the node's sweep call {@link #request} once they waited {@link #requestAfter}.
         */
        default boolean awaitingRequest() {
            return false;
        }

        /** What to write to ask for an acknowledgement now, or null when there is nothing to ask for. */
        default String request() {
            return null;
        }

        /** How long written stanzas may wait before an acknowledgement is asked for ({@link Duration#ZERO}: never). */
        default Duration requestAfter() {
            return Duration.ZERO;
        }

        /** Too much is kept for the client: the session ends the stream (policy-violation). */
        boolean overflowing();

        /** The stream ended: what was written and never acknowledged, oldest first. */
        List<Element> unacknowledged();

        /** The id a new stream resumes this one by, or null when it cannot be resumed. */
        String resumptionId();

        /** How long a session whose connection is gone waits to be resumed. */
        Duration resumptionTimeout();

        /**
         * A new stream resumes this one, having handled this many of the stanzas sent: on success the outcome to
         * write and what to send again (the state then holds none of it, and the new stream sends it through
         * {@link #sent}); otherwise an outcome that refuses, and a null replay.
         */
        Resumption resume(long handled);

        /**
         * The state as an element, after {@link #resume} has taken what is to be sent again, for a session that
         * continues on another node ({@link StreamExtension#restore}).
         */
        Element portable();
    }
}
