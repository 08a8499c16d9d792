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

    /**
     * The state of a stream whose session died with its node, from what it kept ({@link State#keptAfterNodeLoss}):
     * its id, the count of stanzas handled from the client, and the client's count of handled stanzas (unwrapped,
     * {@link State#acknowledgedTotal}) as the resuming client gives it. Nothing is unacknowledged; the stream writes
     * the outcome's xml ({@code <resumed/>}) first. Null when the module cannot resume such a stream.
     */
    default Outcome recover(String id, long handled, long acknowledgedTotal) {
        return null;
    }

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

    /** A message waiting for its confirmation, to route again under its token (attempt: 1 the first time). */
    record Pending(long token, Element message, int attempt) {}

    /** Messages to route again, and what to write ("" for nothing). */
    record Overdue(List<Pending> again, String write) {
        public static final Overdue NONE = new Overdue(List.of(), "");
    }

    /** The module's state in one stream, kept by the session. */
    interface State {
        /** The namespace of the extension this is the state of. */
        String namespace();

        /**
         * Whether the session keeps this stream where another node finds it after this one died: it writes each
         * message, under {@link #sentTotal}, before writing it to the client, and {@link #handledCount} before an
         * acknowledgement that reports it.
         */
        default boolean keptAfterNodeLoss() {
            return false;
        }

        /** Stanzas written to the client on this stream, not wrapped at 2^32 (the last one's count). */
        default long sentTotal() {
            return 0;
        }

        /** Stanzas the client acknowledged, not wrapped at 2^32. */
        default long acknowledgedTotal() {
            return 0;
        }

        /** Stanzas handled from the client, as an acknowledgement reports them (modulo 2^32). */
        default long handledCount() {
            return 0;
        }

        /** The count the last acknowledgement written to the client reported, or -1 when none was written. */
        default long lastAckSent() {
            return -1;
        }

        /** A later element of the namespace. */
        Outcome onElement(Element e);

        /** The server took one more stanza from the client (it answered it, routed it or refused it). */
        void handled();

        /**
         * The server took a message whose handling ends when the recipient's account says so ({@link #confirmed}):
         * it counts as handled once it and every stanza taken before it are. Returns its token, or -1 when the
         * stream counts it at once (as {@link #handled}).
         */
        default long handledLater(Element message) {
            handled();
            return -1;
        }

        /**
         * The recipient's account handled the message of that token (an unknown token is ignored). Returns what to
         * write now: the acknowledgement an earlier request waited for, or "".
         */
        default String confirmed(long token) {
            return "";
        }

        /** Whether messages wait for their confirmation ({@link #handledLater}). */
        default boolean awaitingConfirmation() {
            return false;
        }

        /** How long a message may wait for its confirmation before it is routed again. */
        default Duration confirmationTimeout() {
            return Duration.ZERO;
        }

        /**
         * The messages that waited for their confirmation since before {@code takenBefore} (System.nanoTime), oldest
         * first, for the session to route again under the same token; they wait afresh from {@code now}. A message
         * routed again a few times is given up on: counted as handled, and not returned (what that makes due to
         * write, an acknowledgement, comes with them).
         */
        default Overdue overdue(long takenBefore, long now) {
            return Overdue.NONE;
        }

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
