package io.rookery.node.c2s;

import io.rookery.node.limits.AddressKey;
import io.rookery.node.user.SessionProtocol;

import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import io.rookery.protocol.stanza.XmppStreamException;
import io.rookery.protocol.tls.TlsBufferPool;
import io.rookery.protocol.tls.TlsCodec;
import io.rookery.protocol.tls.TlsContexts;
import io.rookery.protocol.tls.TlsException;
import io.rookery.protocol.xml.XmppStreamParser;
import io.rookery.protocol.xml.ParserEvent;
import io.rookery.protocol.xml.Element;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;
import scala.runtime.BoxedUnit;

/**
 * The whole per-connection pipeline in one stage, because each extra stage costs memory on every idle connection:
 * TLS (our own SSLEngine codec, switched on mid-stream for STARTTLS or from the start for XEP-0368 direct TLS), the
 * streaming XML parser, and the bridge to the session actor. The session actor decides; this stage only parses,
 * encrypts and writes what it is told, in order. Inbound elements are handed over under a small credit window so a
 * client cannot flood the session's mailbox, and so negotiation steps (STARTTLS, SASL, stream restarts) are applied
 * before the next element is parsed.
 */
public final class ConnectionStage extends GraphStage<FlowShape<ByteString, ByteString>> {

    // ---- commands from the session actor (and the sweeper) -------------------------------------------------

    /**
     * What the session actor produced while handling one message: write {@code xml} (already serialized, may be
     * empty), then apply the {@code controls} in this order: CLOSE (the xml was the last: close TLS and the
     * connection), START_TLS (switch to TLS after the `<proceed/>`; a new stream starts inside it, RFC 6120
     * §5.4.3.3), RESTART_STREAM (after the SASL `<success/>`), AUTHENTICATED (SASL succeeded: the connection no
     * longer counts against its address's unauthenticated ones), ESTABLISHED (widen the credit window), PROCESSED
     * (one more credit), DRAIN (after {@link SessionActor.OutputDropped}: the session writes nothing more). One
     * message, because a client may answer the bytes before a second message from the session arrives: the
     * `<proceed/>` and the switch to TLS, or the `<success/>` and the restart, take effect together.
     *
     * <p>{@code messages}: the message stanzas in {@code xml} that the account would deliver elsewhere or store if this
     * client never got them (see {@link SessionActor#handedBackIfUnwritten}); null when there are none. The stage keeps
     * them while their bytes wait for the socket, and hands them back to the session when the connection ends first.
     */
    public record Out(String xml, int controls, List<Element> messages) implements NoSerializationVerificationNeeded {
        public static final int CLOSE = 1;
        public static final int START_TLS = 2;
        public static final int RESTART_STREAM = 4;
        public static final int ESTABLISHED = 8;
        public static final int PROCESSED = 16;
        public static final int AUTHENTICATED = 32;
        public static final int DRAIN = 64;

        public Out(String xml, int controls) {
            this(xml, controls, null);
        }
    }

    /** Signals from the node-wide sweep; like every message to the stage, they never leave this node. */
    enum Sweep implements NoSerializationVerificationNeeded { KEEPALIVE, COMPACT, ABORT, RESUME }

    static final Object KEEPALIVE = Sweep.KEEPALIVE;
    static final Object COMPACT = Sweep.COMPACT;
    static final Object ABORT = Sweep.ABORT;
    /** The shaper's pause is over: read the client again. */
    static final Object RESUME = Sweep.RESUME;

    /** The listener's shared parts. */
    public interface Context {
        /** Largest top-level element of an authenticated stream. */
        int maxStanzaBytes();

        /**
         * Largest top-level element before SASL succeeds: nothing legitimate there (stream header, STARTTLS, SASL,
         * an XEP-0077 form) is large, and a peer nobody knows yet should not make the node hold much.
         */
        default int maxStanzaBytesBeforeAuth() {
            return maxStanzaBytes();
        }

        /** What a parser of a stream before or after SASL succeeded lets the client make it hold or do. */
        default io.rookery.protocol.xml.ParserLimits parserLimits(boolean authenticated) {
            return io.rookery.protocol.xml.ParserLimits.forMaxStanzaBytes(
                    authenticated ? maxStanzaBytes() : maxStanzaBytesBeforeAuth());
        }

        int maxOutboundBytes();

        /** What all connections' unfinished stanzas may hold together. */
        default ParseBudget parseBudget() {
            return ParseBudget.UNLIMITED;
        }

        int establishedWindow();

        javax.net.ssl.SSLContext sslContext();

        Sweeper sweeper();

        /** Creates the session actor for a new connection. */
        org.apache.pekko.actor.typed.ActorRef<SessionProtocol.Message> spawnSession(
                ActorRef stage, SessionClock clock, boolean directTls);

        /** Creates the session actor for a new connection counted under that listener (WebSocket). */
        default org.apache.pekko.actor.typed.ActorRef<SessionProtocol.Message> spawnSession(
                ActorRef stage, SessionClock clock, io.rookery.node.metrics.NodeMetrics.Listener listener) {
            return spawnSession(stage, clock, false);
        }

        io.rookery.node.metrics.NodeMetrics metrics();

        /** How fast clients may send; null: as fast as they like. */
        default Shaper shaper() {
            return null;
        }

        /** A connection from this address authenticated or closed before it did: its unauthenticated slot is free. */
        void unauthenticatedEnded(long address);
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConnectionStage.class);
    private static final io.rookery.node.limits.RateLimitedLog BUDGET_LOG = new io.rookery.node.limits.RateLimitedLog();
    private final Inlet<ByteString> in = Inlet.create("xmpp.in");
    private final Outlet<ByteString> out = Outlet.create("xmpp.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final Context context;
    private final boolean directTls;
    /** The client address of the connection being materialized: see {@link #handOver}. */
    private long handedOver = AddressKey.UNKNOWN;
    /**
     * A web transport's stage (WebSocket, RFC 7395; BOSH, XEP-0206): one per connection or BOSH session, its address
     * known when it is built. Its TLS is the HTTP server's (HTTPS, or the plain listener's, on loopback or behind a
     * TLS-terminating proxy), so its session counts as under TLS. Null for the TCP listeners.
     */
    private final Web web;

    private record Web(long address, io.rookery.node.metrics.NodeMetrics.Listener metrics) {}

    public ConnectionStage(Context context, boolean directTls) {
        this.context = context;
        this.directTls = directTls;
        this.web = null;
    }

    /**
     * The stage of one web transport's connection or session from that address, counted under that listener's
     * metrics (its input is RFC 6120 stream bytes already).
     */
    public static ConnectionStage web(Context context, long address,
            io.rookery.node.metrics.NodeMetrics.Listener metrics) {
        return new ConnectionStage(context, new Web(address, metrics));
    }

    private ConnectionStage(Context context, Web web) {
        this.context = context;
        this.directTls = false;
        this.web = web;
    }

    private io.rookery.node.metrics.NodeMetrics.Listener listenerMetrics() {
        return web != null ? web.metrics() : context.metrics().listener(directTls);
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
        return shape;
    }

    /**
     * Every connection of a listener runs the same pre-built graph, so the client's address cannot be built into it,
     * and a stage object per connection to carry it would stay reachable from its logic for the connection's life
     * (with its traversal builder, about a hundred bytes). The materializer creates the logic synchronously inside
     * the graph's {@code run}, so the listener hands the address over here right before that call, on the same
     * thread, and checks with {@link #unclaimed} right after it that the logic took it.
     */
    void handOver(long address) {
        handedOver = address;
    }

    /** An address handed over that no logic took (then the hand-over is broken), or UNKNOWN; resets. */
    long unclaimed() {
        long a = handedOver;
        handedOver = AddressKey.UNKNOWN;
        return a;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        if (web != null) return new Logic(web.address());
        long address = handedOver;
        handedOver = AddressKey.UNKNOWN;
        return new Logic(address);
    }

    private final class Logic extends GraphStageLogic {
        private final SessionClock clock;
        private org.apache.pekko.actor.typed.ActorRef<SessionProtocol.Message> session;
        private XmppStreamParser parser;
        private TlsCodec tls;
        private ByteString pendingInput = ByteString.emptyByteString();
        private ByteString pendingOutput = ByteString.emptyByteString();
        private int credits = 1;
        private int window = 1;
        private boolean parsing = true;
        private boolean closing;
        private boolean sessionNotified;
        /** Shaper balance in bytes (may go negative: a client is read until it has overspent) and last refill. */
        private long shaperBalance;
        private long shaperRefilledAt;
        private boolean shaped;
        /** What this connection has reserved of the node's parse budget. */
        private long parseReserved;
        /** The connection still counts against its address's unauthenticated connections. */
        private boolean unauthenticated = true;
        /** The messages whose bytes are in pendingOutput, not yet pushed to the socket; null when there are none. */
        private ArrayList<Element> unwritten;
        /**
         * The client stopped reading and its connection is closed ({@link #dropUnreadOutput}); the stage lives on,
         * collecting the messages of the session's last writes, until the session's DRAIN.
         */
        private boolean dropped;

        Logic(long address) {
            super(shape);
            clock = new SessionClock(System.nanoTime(), address);
            setHandler(in, new AbstractInHandler() {
                @Override
                public void onPush() {
                    onBytes(grab(in));
                }

                @Override
                public void onUpstreamFinish() {
                    lost();
                    completeStage();
                }

                @Override
                public void onUpstreamFailure(Throwable ex) {
                    lost();
                    completeStage();
                }
            });
            setHandler(out, new AbstractOutHandler() {
                @Override
                public void onPull() {
                    flush();
                }

                @Override
                public void onDownstreamFinish(Throwable cause) {
                    lost();
                    completeStage();
                }
            });
        }

        /** The TLS handshake completed (a failure after it is not a handshake failure). */
        private boolean tlsUp;

        @Override
        public void preStart() {
            StageActor stageActor = getStageActor(msg -> {
                onCommand(msg._2());
                return BoxedUnit.UNIT;
            });
            ActorRef self = stageActor.ref();
            clock.stage = self;
            if (context.shaper() != null) {
                shaperBalance = context.shaper().burst();
                shaperRefilledAt = clock.acceptedAt;
            }
            parser = new XmppStreamParser(context.parserLimits(false));
            if (directTls) tls = newTls();
            session = web != null ? context.spawnSession(self, clock, listenerMetrics())
                    : context.spawnSession(self, clock, directTls);
            listenerMetrics().connectionOpened();
            clock.session = session;
            // Before the stream header reaches it: no STARTTLS offered, SASL as under TLS (no channel binding).
            if (web != null) session.tell(new SessionActor.TlsEstablished(null));
            stageActor.watch(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(session));
            context.sweeper().register(clock);
            pull(in);
        }

        @Override
        public void postStop() {
            context.parseBudget().release(parseReserved);
            parseReserved = 0;
            authenticatedOrGone();
            listenerMetrics().connectionClosed();
            context.sweeper().unregister(clock);
            clock.closed = true;
            if (dropped) {
                // The answer to the session's DRAIN (or to whatever else ended the stage first).
                session.tell(new SessionActor.Undelivered(unwritten == null ? List.of() : unwritten));
                unwritten = null;
            }
            lost();
        }

        private TlsCodec newTls() {
            return new TlsCodec(TlsContexts.serverEngine(context.sslContext()), TlsBufferPool.shared());
        }

        private void onCommand(Object msg) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("stage-command {} credits={} pending={}", msg instanceof Out o
                        ? "Out(" + o.xml().length() + "," + o.controls() + ")" : msg, credits, pendingInput.size());
            }
            if (msg instanceof Out o) {
                onOut(o);
            } else if (msg == COMPACT) {
                // Only possible between stanzas; otherwise the next sweep tries again.
                if (!pendingInput.isEmpty() || !parser.compact()) clock.compacted = false;
            } else if (msg == ABORT) {
                lost();
                completeStage();
            } else if (msg == RESUME) {
                shaped = false;
                drive();
            } else if (msg == KEEPALIVE) {
                if (!closing && pendingOutput.isEmpty()) write(" ");
            } else if (msg instanceof org.apache.pekko.actor.Terminated) {
                // The session actor is gone (stopped or crashed): nothing may speak for this socket any more.
                lost();
                completeStage();
            }
        }

        private void onOut(Out o) {
            int c = o.controls();
            if (dropped) {
                // Written by the session before it learnt the connection was gone: its messages go back to it.
                if (o.messages() != null) keepUnwritten(o.messages());
                if ((c & Out.DRAIN) != 0) completeStage();
                return;
            }
            if (o.messages() != null && !closing) keepUnwritten(o.messages());
            if ((c & Out.CLOSE) != 0) {
                close(o.xml());
                return;
            }
            // Before the <success/> is written: a client that reconnects on reading it finds its slot free.
            if ((c & Out.AUTHENTICATED) != 0) authenticatedOrGone();
            if (!o.xml().isEmpty()) write(o.xml());
            if ((c & Out.START_TLS) != 0) {
                // Bytes a client sent after <starttls/> but before <proceed/> are a protocol violation; drop them.
                tls = newTls();
                parser = new XmppStreamParser(context.parserLimits(false));
                pendingInput = ByteString.emptyByteString();
            }
            if ((c & Out.RESTART_STREAM) != 0) {
                // Sent only after the SASL <success/> (RFC 6120 §6.4.6): the client is now known.
                parser = new XmppStreamParser(context.parserLimits(true));
                pendingInput = ByteString.emptyByteString();
            }
            if ((c & Out.ESTABLISHED) != 0) {
                int extra = context.establishedWindow() - window;
                window = context.establishedWindow();
                credits += Math.max(0, extra);
            }
            if ((c & Out.PROCESSED) != 0) credits++;
            if ((c & (Out.ESTABLISHED | Out.PROCESSED)) != 0) drive();
        }

        private void onBytes(ByteString bytes) {
            if (LOG.isDebugEnabled()) LOG.debug("stage-bytes {} credits={} tls={}", bytes.size(), credits, tls != null);
            long now = System.nanoTime();
            clock.lastInput = now;
            clock.compacted = false;
            Shaper shaper = context.shaper();
            if (shaper != null) {
                shaperBalance = shaper.refill(shaperBalance, now - shaperRefilledAt) - bytes.size();
                shaperRefilledAt = now;
            }
            if (tls != null) {
                TlsCodec.Result r;
                try {
                    byte[] arr = bytes.toArrayUnsafe();
                    r = tls.unwrap(arr, 0, arr.length);
                } catch (TlsException e) {
                    if (e.kind() == TlsException.Kind.RENEGOTIATION_REFUSED) {
                        context.metrics().tlsRenegotiationRefused();
                        LOG.info("tls-renegotiation-refused listener={}", directTls ? "direct_tls" : "starttls");
                    } else if (!tlsUp) {
                        context.metrics().tlsHandshake(false);
                    }
                    byte[] alert = e.alertBytes();
                    if (alert != null && alert.length > 0) enqueue(ByteString.fromArrayUnsafe(alert));
                    closing = true;
                    lost();
                    flush();
                    return;
                }
                if (r.netOut().length > 0) enqueue(ByteString.fromArrayUnsafe(r.netOut()));
                if (r.handshakeFinished()) {
                    tlsUp = true;
                    context.metrics().tlsHandshake(true);
                    session.tell(new SessionActor.TlsEstablished(tls.tlsServerEndPoint()));
                }
                if (r.appOut().length > 0) pendingInput = pendingInput.concat(ByteString.fromArrayUnsafe(r.appOut()));
                if (r.inboundClosed()) {
                    // TLS close_notify: the connection ends, but without the stream's closing tag.
                    parsing = false;
                    session.tell(SessionActor.PeerClosedConnection.INSTANCE);
                    flush();
                    return;
                }
            } else {
                pendingInput = pendingInput.concat(bytes);
            }
            drive();
            flush();
        }

        /** Parse while the session has credit; pull more bytes only when the parser has consumed all it has. */
        private void drive() {
            while (parsing && credits > 0) {
                ParserEvent ev;
                try {
                    ev = parser.next();
                } catch (XmppStreamException e) {
                    parsing = false;
                    session.tell(new SessionActor.ParseFailed(e.condition(), e.text()));
                    return;
                }
                if (ev == null) {
                    if (!pendingInput.isEmpty() && parser.needsInput()) {
                        byte[] chunk = pendingInput.toArrayUnsafe();
                        pendingInput = ByteString.emptyByteString();
                        parser.feed(chunk, 0, chunk.length);
                        continue;
                    }
                    break;
                }
                if (LOG.isDebugEnabled()) LOG.debug("stage-event {}", ev.getClass().getSimpleName());
                if (ev instanceof ParserEvent.StreamOpened o) {
                    credits--;
                    session.tell(new SessionActor.StreamOpened(o.header()));
                } else if (ev instanceof ParserEvent.ElementParsed p) {
                    credits--;
                    session.tell(new SessionActor.ElementReceived(p.element()));
                } else if (ev instanceof ParserEvent.StreamClosed) {
                    parsing = false;
                    peerClosed();
                    return;
                }
            }
            long held = parsing ? context.parseBudget().hold(parseReserved, parser.retainedBytes()) : parseReserved;
            if (held >= 0) parseReserved = held;
            if (held < 0) {
                parsing = false;
                context.metrics().parseBudgetRefused();
                long events = BUDGET_LOG.event(System.nanoTime());
                if (events > 0) {
                    LOG.warn("c2s-parse-budget-exhausted budget={} used={} address={} refused-since-last-line={}",
                            context.parseBudget().capacity(), context.parseBudget().used(), clock.remoteAddress,
                            events);
                }
                session.tell(new SessionActor.ParseFailed(io.rookery.protocol.stanza.StreamErrorCondition.RESOURCE_CONSTRAINT,
                        "the server holds too much unfinished input; try again later"));
                return;
            }
            // A client that does not read what it is sent is not read either, until it does (its requests would
            // only add to what it does not read): past a quarter of the outbound limit, input waits for output.
            if (parsing && !closing && !shaped && pendingInput.isEmpty() && !hasBeenPulled(in) && !isClosed(in)
                    && pendingOutput.size() <= context.maxOutboundBytes() / 4) {
                if (shaperBalance < 0 && context.shaper() != null) pause();
                else pull(in);
            }
        }

        /** The client sent more than the shaper allows: it is read again once the bucket has refilled. */
        private void pause() {
            Shaper shaper = context.shaper();
            long now = System.nanoTime();
            shaperBalance = shaper.refill(shaperBalance, now - shaperRefilledAt);
            shaperRefilledAt = now;
            if (shaperBalance >= 0) {
                pull(in);
                return;
            }
            shaped = true;
            ActorRef self = clock.stage;
            materializer().scheduleOnce(scala.concurrent.duration.FiniteDuration.apply(shaper.pauseNanos(shaperBalance),
                    java.util.concurrent.TimeUnit.NANOSECONDS), () -> self.tell(RESUME, ActorRef.noSender()));
        }

        private void peerClosed() {
            parsing = false;
            session.tell(SessionActor.PeerClosedStream.INSTANCE);
        }

        private void write(String xml) {
            if (closing) return;
            byte[] plain = xml.getBytes(StandardCharsets.UTF_8);
            if (tls != null) {
                try {
                    TlsCodec.Result r = tls.wrap(plain, 0, plain.length);
                    if (r.netOut().length > 0) enqueue(ByteString.fromArrayUnsafe(r.netOut()));
                } catch (TlsException e) {
                    closing = true;
                    lost();
                    completeStage();
                    return;
                }
            } else {
                enqueue(ByteString.fromArrayUnsafe(plain));
            }
            flush();
        }

        private void enqueue(ByteString bytes) {
            if (dropped) return;
            pendingOutput = pendingOutput.concat(bytes);
            if (pendingOutput.size() > context.maxOutboundBytes()) dropUnreadOutput();
        }

        private void keepUnwritten(List<Element> messages) {
            if (unwritten == null) unwritten = new ArrayList<>(messages.size() + 4);
            unwritten.addAll(messages);
        }

        /**
         * A client that does not read: its connection is closed rather than its output buffered without bound. The
         * messages among the bytes dropped must not be lost with them (XEP-0198 §4 asks the same for the unhandled
         * stanzas of a stream that ends): the stage keeps them, and those of the writes the session makes before it
         * learns of the drop, until the session's DRAIN, then hands them all back to it; the session, unbound by
         * then, routes them to the account again.
         */
        private void dropUnreadOutput() {
            pendingOutput = ByteString.emptyByteString();
            closing = true;
            parsing = false;
            context.metrics().c2sOutputDropped();
            if (sessionNotified || session == null) {
                lost();
                completeStage();
                return;
            }
            sessionNotified = true;
            dropped = true;
            setKeepGoing(true);
            cancel(in);
            complete(out);
            session.tell(SessionActor.OutputDropped.INSTANCE);
        }

        private void flush() {
            if (isClosed(out)) return;
            if (!pendingOutput.isEmpty() && isAvailable(out)) {
                boolean backlogged = pendingOutput.size() > context.maxOutboundBytes() / 4;
                push(out, pendingOutput.compact());
                pendingOutput = ByteString.emptyByteString();
                unwritten = null;
                clock.lastOutput = System.nanoTime();
                // Input waited for this output: read again.
                if (backlogged && !closing) drive();
            }
            if (closing && pendingOutput.isEmpty()) completeStage();
        }

        private void close(String finalXml) {
            if (closing) return;
            write(finalXml);
            if (tls != null) {
                try {
                    TlsCodec.Result r = tls.closeOutbound();
                    if (r.netOut().length > 0) enqueue(ByteString.fromArrayUnsafe(r.netOut()));
                } catch (TlsException ignored) {
                    // Closing anyway.
                }
            }
            closing = true;
            parsing = false;
            clock.closedAt = System.nanoTime();
            clock.closed = true;
            flush();
        }

        private void authenticatedOrGone() {
            if (!unauthenticated) return;
            unauthenticated = false;
            context.unauthenticatedEnded(clock.remoteAddress);
        }

        /** Tells the session its connection is gone, after handing back the messages that never reached the socket. */
        private void lost() {
            if (!sessionNotified && session != null) {
                sessionNotified = true;
                if (unwritten != null) session.tell(new SessionActor.Undelivered(unwritten));
                unwritten = null;
                session.tell(SessionActor.ConnectionLost.INSTANCE);
            }
        }
    }
}
