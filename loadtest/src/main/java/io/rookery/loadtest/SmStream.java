package io.rookery.loadtest;

import java.util.ArrayDeque;

/**
 * The client side of XEP-0198 for one user (--sm=on): the two counts, the chat messages written and not yet
 * acknowledged, and with --sm=resume the id to resume the stream with. With --reconnect=on it outlives the
 * connection: the user's next connection resumes with it, or, refused, binds afresh and writes again what was never
 * acknowledged (as Smack does). Used on the user's {@link IoLoop} thread only.
 */
final class SmStream {
    /** A chat message written and not acknowledged: its number in our count, and what it takes to write it again. */
    static final class Unacked {
        long count;
        final long seq;
        final String to;
        final long sentNanos;
        final long lateNanos;

        Unacked(long count, long seq, String to, long sentNanos, long lateNanos) {
            this.count = count;
            this.seq = seq;
            this.to = to;
            this.sentNanos = sentNanos;
            this.lateNanos = lateNanos;
        }
    }

    /** The server answered {@code <enabled/>} (or {@code <resumed/>}). */
    boolean enabled;
    /** Stanzas handled since {@code <enabled/>}: our {@code h}. */
    long received;
    /** Stanzas written since {@code <enable/>}: the server's {@code h} counts toward it. */
    long sent;
    final ArrayDeque<Unacked> unacked = new ArrayDeque<>();
    /** The full JID the stream's session was bound to: a resumed stream goes on with it. */
    String jid;
    /** The stream's id when the server offered resumption; null otherwise, or once it refused to resume. */
    String resumeId;
    /** When the server dropped the connection this stream was on (System.nanoTime()); 0 while connected. */
    long droppedAt;
    /** Connections tried since that drop. */
    int attempts;
    /** Connections made for this user so far: the n-th goes to the n-th --host (mod their number). */
    int connections;

    /** A fresh stream: {@code <enable/>} is being written; what is written from now on counts. */
    void restart() {
        enabled = false;
        received = 0;
        sent = 0;
        resumeId = null;
    }

    /**
     * The server's count {@code h} (in {@code <a/>} or {@code <resumed/>}): every message numbered up to it is
     * acknowledged. Counts wrap at 2^32 on the wire; a run sends far fewer on one stream.
     */
    void acknowledged(long h, Metrics metrics, long nowNanos) {
        while (!unacked.isEmpty() && unacked.peekFirst().count <= h) {
            Unacked u = unacked.pollFirst();
            metrics.messageAcked(u.seq, u.sentNanos, nowNanos);
        }
    }
}
