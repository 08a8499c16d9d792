package io.rookery.node.c2s;

import io.rookery.node.user.SessionProtocol;

/**
 * The few timestamps the node-wide {@link Sweeper} reads to enforce negotiation and idle timeouts and to send
 * whitespace keepalives, so that no connection carries a timer of its own. Written by the connection stage and the
 * session, read by the sweeper: plain volatile longs are enough, a missed update only delays a check by one sweep.
 * Also the session's way to its TCP connection stage (the one object per connection both already share).
 */
final class SessionClock implements SessionTransport {
    /** Set once by the stage as it starts, before the sweeper or the session sees this clock. */
    org.apache.pekko.actor.ActorRef stage;
    org.apache.pekko.actor.typed.ActorRef<SessionProtocol.Message> session;
    final long acceptedAt;
    /** The client's address ({@link io.rookery.node.limits.AddressKey}): what per-address limits count by. */
    final long remoteAddress;
    volatile long lastInput;
    volatile long lastOutput;
    volatile boolean established;
    /** Set by the sweeper once it asked the stage to drop idle parser buffers; cleared by new input. */
    volatile boolean compacted;
    volatile boolean closed;
    /**
     * When the stream extension should be asked to request an acknowledgement (XEP-0198 request-ack-after), 0 when
     * nothing waits for one; set by the session, acted on by the sweeper.
     */
    volatile long ackDueAt;
    /** When the sweeper had the session ping its client (XEP-0199), 0 when no ping is outstanding. */
    volatile long pingSentAt;
    /** When the session asked for the close; a connection still open long after is aborted by the sweeper. */
    volatile long closedAt;

    SessionClock(long now, long remoteAddress) {
        this.acceptedAt = now;
        this.remoteAddress = remoteAddress;
        this.lastInput = now;
        this.lastOutput = now;
    }

    @Override
    public void write(ConnectionStage.Out out) {
        stage.tell(out, org.apache.pekko.actor.ActorRef.noSender());
    }
}
