package io.rookery.node.ext.proxy65;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;
import scala.runtime.BoxedUnit;

/**
 * One SOCKS5 connection to the proxy (RFC 1928 as XEP-0065 §5.3 and §6.3 use it): the greeting (no authentication),
 * a CONNECT to a domain-name address (the stream's hash, §5.3.2) with port 0, answered with success; then the
 * connection waits in {@link Pairings} until the requester activates the stream, at most pending-timeout, and from
 * then on relays to the other connection of the stream and back. Between the two, one chunk is in flight each way:
 * a stage reads its client again only once the other stage has written the last chunk to its own (so a slow reader
 * slows its sender, and the proxy buffers at most one read per direction).
 */
final class Socks5Stage extends GraphStage<FlowShape<ByteString, ByteString>> {
    /** What one stage sends the other. */
    private record Chunk(ByteString bytes) implements NoSerializationVerificationNeeded {}

    private enum Signal implements NoSerializationVerificationNeeded { ACK, PEER_CLOSED }

    private static final int MAX_EARLY_BYTES = 64 * 1024;
    private static final byte VERSION = 5;

    private final Inlet<ByteString> in = Inlet.create("socks5.in");
    private final Outlet<ByteString> out = Outlet.create("socks5.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final Pairings pairings;
    private final Duration pendingTimeout;

    Socks5Stage(Pairings pairings, Duration pendingTimeout) {
        this.pairings = pairings;
        this.pendingTimeout = pendingTimeout;
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new Logic();
    }

    private enum State { GREETING, REQUEST, WAITING, RELAY }

    private final class Logic extends TimerGraphStageLogic {
        private State state = State.GREETING;
        private ByteString buffer = ByteString.emptyByteString();
        private ByteString pendingOut = ByteString.emptyByteString();
        private ActorRef self;
        private ActorRef peer;
        private String address;
        private boolean counted;
        /** A chunk sent to the peer that it has not written yet. */
        private boolean awaitingAck;
        /** A chunk from the peer is in pendingOut: acknowledged once written. */
        private boolean owesAck;
        private boolean peerClosed;
        private boolean closing;

        Logic() {
            super(shape);
            setHandler(in, new AbstractInHandler() {
                @Override
                public void onPush() {
                    buffer = buffer.concat(grab(in));
                    process();
                }

                @Override
                public void onUpstreamFinish() {
                    // The client is done sending: what it sent goes to the peer first, then the end.
                    if (peer != null) {
                        if (!buffer.isEmpty()) peer.tell(new Chunk(buffer), self);
                        buffer = ByteString.emptyByteString();
                        peer.tell(Signal.PEER_CLOSED, self);
                        peer = null;
                    }
                    closeWhenWritten();
                }
            });
            setHandler(out, new AbstractOutHandler() {
                @Override
                public void onPull() {
                    flush();
                }
            });
        }

        @Override
        public void preStart() {
            self = getStageActor(msg -> {
                onMessage(msg._2());
                return BoxedUnit.UNIT;
            }).ref();
            if (!pairings.opened()) {
                completeStage();
                return;
            }
            counted = true;
            scheduleOnce("pending", pendingTimeout);
            pull(in);
        }

        @Override
        public void onTimer(Object key) {
            // Not activated in time (or a client that never finished its greeting).
            if (state != State.RELAY) completeStage();
        }

        @Override
        public void postStop() {
            if (address != null && state != State.RELAY) pairings.remove(address, self);
            if (peer != null) peer.tell(Signal.PEER_CLOSED, self);
            if (counted) pairings.closed();
        }

        private void process() {
            switch (state) {
                case GREETING -> greeting();
                case REQUEST -> request();
                case WAITING -> {
                    // Sent before activation: kept (bounded) for the peer.
                    if (buffer.size() > MAX_EARLY_BYTES) completeStage();
                    else if (!hasBeenPulled(in)) pull(in);
                }
                case RELAY -> relay();
            }
        }

        /** RFC 1928 §3: version 5 and its methods; "no authentication required" (0) is the one XEP-0065 uses. */
        private void greeting() {
            if (buffer.size() < 2) {
                pull(in);
                return;
            }
            int methods = buffer.apply(1) & 0xff;
            if (buffer.apply(0) != VERSION) {
                completeStage();
                return;
            }
            if (buffer.size() < 2 + methods) {
                pull(in);
                return;
            }
            boolean none = false;
            for (int i = 0; i < methods; i++) none |= buffer.apply(2 + i) == 0;
            buffer = buffer.drop(2 + methods);
            if (!none) {
                write(ByteString.fromArray(new byte[] {VERSION, (byte) 0xff}));
                closeWhenWritten();
                return;
            }
            write(ByteString.fromArray(new byte[] {VERSION, 0}));
            state = State.REQUEST;
            request();
        }

        /** RFC 1928 §4, §6: CONNECT to a domain name (ATYP 3), port 0, answered success with the same address. */
        private void request() {
            if (buffer.size() < 5) {
                pull(in);
                return;
            }
            int cmd = buffer.apply(1);
            int atyp = buffer.apply(3);
            if (buffer.apply(0) != VERSION || cmd != 1 || atyp != 3) {
                reply(cmd != 1 ? 7 : 8, ByteString.emptyByteString());
                closeWhenWritten();
                return;
            }
            int length = buffer.apply(4) & 0xff;
            if (buffer.size() < 5 + length + 2) {
                pull(in);
                return;
            }
            ByteString host = buffer.slice(5, 5 + length);
            buffer = buffer.drop(5 + length + 2);
            String asked = host.decodeString(StandardCharsets.US_ASCII);
            if (!pairings.register(asked, self)) {
                // A third connection for one stream: not allowed by the ruleset.
                reply(2, host);
                closeWhenWritten();
                return;
            }
            address = asked;
            reply(0, host);
            state = State.WAITING;
            process();
        }

        private void reply(int code, ByteString host) {
            ByteString head = ByteString.fromArray(new byte[] {VERSION, (byte) code, 0, 3, (byte) host.size()});
            write(head.concat(host).concat(ByteString.fromArray(new byte[] {0, 0})));
        }

        private void onMessage(Object msg) {
            if (msg instanceof Pairings.Peer p) {
                if (state != State.WAITING) return;
                peer = p.stage();
                state = State.RELAY;
                cancelTimer("pending");
                relay();
            } else if (msg instanceof Chunk c) {
                owesAck = true;
                write(c.bytes());
            } else if (msg == Signal.ACK) {
                awaitingAck = false;
                relay();
            } else if (msg == Signal.PEER_CLOSED) {
                peerClosed = true;
                peer = null;
                closeWhenWritten();
            }
        }

        /** What the client sent goes to the peer, one chunk at a time; the client is read again after the ack. */
        private void relay() {
            if (peer == null || closing) return;
            if (!buffer.isEmpty() && !awaitingAck) {
                peer.tell(new Chunk(buffer), self);
                buffer = ByteString.emptyByteString();
                awaitingAck = true;
            }
            if (buffer.isEmpty() && !awaitingAck && !hasBeenPulled(in) && !isClosed(in)) pull(in);
        }

        private void write(ByteString bytes) {
            pendingOut = pendingOut.concat(bytes);
            flush();
        }

        private void flush() {
            if (!pendingOut.isEmpty() && isAvailable(out)) {
                push(out, pendingOut);
                pendingOut = ByteString.emptyByteString();
                if (owesAck) {
                    owesAck = false;
                    if (peer != null) peer.tell(Signal.ACK, self);
                }
            }
            if (closing && pendingOut.isEmpty()) completeStage();
        }

        private void closeWhenWritten() {
            closing = true;
            flush();
        }
    }
}
