package io.rookery.persistence.sm;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A resumable stream's durable part, by SM-ID: the messages written to the client, each under the count it has on the
 * stream (unwrapped: the stanzas the server sent on it, this one included), and the stream's header. A session writes
 * a message here before it writes it to the client, and its header before an acknowledgement ({@code <a h/>}) reports
 * a count, so that the stream can be resumed on another node, or its unacknowledged messages delivered elsewhere,
 * when its node dies.
 */
public interface StreamOutbox {
    /**
     * The stream's state: its owner (bare JID and resource); the count of stanzas the server handled from the client
     * (modulo 2^32, as on the wire); the count the client last acknowledged (unwrapped); the session's own presence
     * (XML, null when unavailable) and its resource flags; the session that writes the stream now (owner: its actor
     * path with address and uid).
     */
    record Header(String jid, String resource, long handled, long acknowledged, String presence, int flags,
            String owner) {}

    /** A message written to the client under its count. */
    record Entry(long seq, String stanza) {}

    /** What {@link #read} found. */
    record Stream(Header header, List<Entry> entries) {}

    /**
     * Writes the header and the entries, in one write. clearAbove, when not negative: rows above that count are
     * removed first (a resumed stream counts what it sends again afresh).
     */
    CompletionStage<Void> write(String smId, Header header, List<Entry> entries, long clearAbove);

    /** The header and the entries above that count, in order; null when the stream is unknown. */
    CompletionStage<Stream> read(String smId, long above);

    /**
     * The newest entries at or below that count, newest first: at most limit, and none written more than window
     * seconds before the newest of them (what a sender may still route again when its confirmation was lost).
     */
    CompletionStage<List<Entry>> recent(String smId, long atOrBelow, int limit, int windowSeconds);

    /** The stream ended: everything it kept is removed. */
    CompletionStage<Void> delete(String smId);
}
