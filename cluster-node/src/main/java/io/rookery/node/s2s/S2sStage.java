package io.rookery.node.s2s;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.stanza.XmppStreamException;
import io.rookery.protocol.tls.TlsBufferPool;
import io.rookery.protocol.tls.TlsCodec;
import io.rookery.protocol.tls.TlsException;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.ParserEvent;
import io.rookery.protocol.xml.ParserLimits;
import io.rookery.protocol.xml.StreamHeader;
import io.rookery.protocol.xml.XmppStreamParser;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.javadsl.Adapter;
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
 * One server-to-server connection in one stage: TLS (our codec, switched on after STARTTLS or from the first byte for
 * XEP-0368 direct TLS), the streaming XML parser, and the bridge to the actor that owns the stream (an outbound link
 * or an inbound stream), which decides everything. Server links are few, so unlike the client stage this one keeps
 * no credit window: it parses what arrives and tells the owner, in order.
 */
public final class S2sStage extends GraphStage<FlowShape<ByteString, ByteString>> {

    /** What the stage tells its owner, in this order: Ready once, then the stream's events, then Ended once. */
    public sealed interface Event extends NoSerializationVerificationNeeded {}

    /** The stage runs; commands go to {@code stage}. */
    public record Ready(ActorRef stage, java.net.InetSocketAddress remote) implements Event {}

    public record Opened(StreamHeader header) implements Event {}

    public record Received(Element element) implements Event {}

    /** The TLS handshake finished; the peer's certificates are in the session. */
    public record TlsUp(SSLSession session) implements Event {}

    /** The peer broke the stream's rules (not well-formed, too large...): the owner answers with the stream error. */
    public record Violation(StreamErrorCondition condition, String text) implements Event {}

    /** The peer closed its stream ({@code </stream:stream>}) or its TLS. */
    public record PeerClosed() implements Event {}

    /** The connection is gone; nothing more comes. */
    public record Ended(String reason) implements Event {}

    /**
     * Write {@code xml}, then apply the controls: START_TLS (TLS from now on, in the stage's role; the parser starts a
     * new stream), RESTART (the parser starts a new stream, after a SASL success), CLOSE (the xml was the last).
     */
    public record Write(String xml, int controls) implements NoSerializationVerificationNeeded {
        public static final int START_TLS = 1;
        public static final int RESTART = 2;
        public static final int CLOSE = 4;

        public Write(String xml) {
            this(xml, 0);
        }
    }

    /** Makes the owner of a new connection once its stage runs. */
    public interface Owner {
        org.apache.pekko.actor.typed.ActorRef<Event> start(ActorRef stage);
    }

    private final Inlet<ByteString> in = Inlet.create("s2s.in");
    private final Outlet<ByteString> out = Outlet.create("s2s.out");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final Owner owner;
    private final Supplier<SSLEngine> engines;
    private final boolean directTls;
    private final ParserLimits limits;
    private final int maxOutboundBytes;
    private final java.net.InetSocketAddress remote;
    private final String contentNamespace;

    S2sStage(Owner owner, Supplier<SSLEngine> engines, boolean directTls, ParserLimits limits, int maxOutboundBytes,
            java.net.InetSocketAddress remote) {
        this(owner, engines, directTls, limits, maxOutboundBytes, remote, Namespaces.SERVER);
    }

    /**
     * A stage whose streams carry {@code contentNamespace} ({@code jabber:server} between servers; XEP-0114
     * components reuse the stage with theirs). {@code engines} may be null when TLS is never started.
     */
    public S2sStage(Owner owner, Supplier<SSLEngine> engines, boolean directTls, ParserLimits limits,
            int maxOutboundBytes, java.net.InetSocketAddress remote, String contentNamespace) {
        this.contentNamespace = contentNamespace;
        this.owner = owner;
        this.engines = engines;
        this.directTls = directTls;
        this.limits = limits;
        this.maxOutboundBytes = maxOutboundBytes;
        this.remote = remote;
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        return new Logic();
    }

    private final class Logic extends GraphStageLogic {
        private org.apache.pekko.actor.typed.ActorRef<Event> target;
        private XmppStreamParser parser = new XmppStreamParser(limits, contentNamespace);
        private TlsCodec tls;
        private boolean tlsUp;
        private ByteString pendingOutput = ByteString.emptyByteString();
        private boolean parsing = true;
        private boolean closing;
        private boolean ended;

        Logic() {
            super(shape);
            setHandler(in, new AbstractInHandler() {
                @Override
                public void onPush() {
                    onBytes(grab(in));
                }

                @Override
                public void onUpstreamFinish() {
                    end("connection closed by peer");
                }

                @Override
                public void onUpstreamFailure(Throwable ex) {
                    end("connection failed: " + ex.getMessage());
                }
            });
            setHandler(out, new AbstractOutHandler() {
                @Override
                public void onPull() {
                    flush();
                }

                @Override
                public void onDownstreamFinish(Throwable cause) {
                    end("connection closed");
                }
            });
        }

        @Override
        public void preStart() {
            StageActor stageActor = getStageActor(msg -> {
                onCommand(msg._2());
                return BoxedUnit.UNIT;
            });
            target = owner.start(stageActor.ref());
            stageActor.watch(Adapter.toClassic(target));
            if (directTls) startTls();
            target.tell(new Ready(stageActor.ref(), remote));
            pull(in);
        }

        @Override
        public void postStop() {
            if (!ended && target != null) {
                ended = true;
                target.tell(new Ended("stopped"));
            }
        }

        private void end(String reason) {
            if (!ended && target != null) {
                ended = true;
                target.tell(new Ended(reason));
            }
            completeStage();
        }

        private void onCommand(Object msg) {
            if (msg instanceof Write w) {
                if (!w.xml().isEmpty()) write(w.xml());
                if ((w.controls() & Write.START_TLS) != 0) {
                    startTls();
                    flush();
                }
                if ((w.controls() & Write.RESTART) != 0) parser = new XmppStreamParser(limits, contentNamespace);
                if ((w.controls() & Write.CLOSE) != 0) close();
            } else if (msg instanceof org.apache.pekko.actor.Terminated) {
                end("owner stopped");
            }
        }

        private void startTls() {
            tls = new TlsCodec(engines.get(), TlsBufferPool.shared());
            parser = new XmppStreamParser(limits, contentNamespace);
            if (tls.clientMode()) {
                // A client codec starts its handshake on its first wrap: the ClientHello goes out now.
                try {
                    TlsCodec.Result r = tls.wrap(new byte[0], 0, 0);
                    enqueue(r.netOut());
                } catch (TlsException e) {
                    end("tls: " + e.getMessage());
                }
            }
        }

        private void onBytes(ByteString bytes) {
            byte[] plain;
            if (tls != null) {
                TlsCodec.Result r;
                try {
                    byte[] arr = bytes.toArrayUnsafe();
                    r = tls.unwrap(arr, 0, arr.length);
                } catch (TlsException e) {
                    byte[] alert = e.alertBytes();
                    if (alert != null && alert.length > 0) enqueue(alert);
                    flush();
                    end("tls: " + e.getMessage());
                    return;
                }
                enqueue(r.netOut());
                if (r.handshakeFinished()) {
                    tlsUp = true;
                    target.tell(new TlsUp(tls.session()));
                }
                plain = r.appOut();
                if (r.inboundClosed()) {
                    parse(plain);
                    parsing = false;
                    target.tell(new PeerClosed());
                    flush();
                    return;
                }
            } else {
                plain = bytes.toArray();
            }
            parse(plain);
            flush();
            if (!closing && !isClosed(in) && !hasBeenPulled(in)) pull(in);
        }

        private void parse(byte[] bytes) {
            if (!parsing) return;
            if (bytes.length > 0) parser.feed(bytes, 0, bytes.length);
            while (parsing) {
                ParserEvent ev;
                try {
                    ev = parser.next();
                } catch (XmppStreamException e) {
                    parsing = false;
                    target.tell(new Violation(e.condition(), e.text()));
                    return;
                }
                if (ev == null) return;
                if (ev instanceof ParserEvent.StreamOpened o) {
                    target.tell(new Opened(o.header()));
                } else if (ev instanceof ParserEvent.ElementParsed p) {
                    target.tell(new Received(p.element()));
                } else if (ev instanceof ParserEvent.StreamClosed) {
                    parsing = false;
                    target.tell(new PeerClosed());
                }
            }
        }

        private void write(String xml) {
            if (closing) return;
            byte[] plain = xml.getBytes(StandardCharsets.UTF_8);
            if (tls != null) {
                try {
                    enqueue(tls.wrap(plain, 0, plain.length).netOut());
                } catch (TlsException e) {
                    end("tls: " + e.getMessage());
                    return;
                }
            } else {
                enqueue(plain);
            }
            flush();
        }

        private void enqueue(byte[] bytes) {
            if (bytes.length == 0) return;
            pendingOutput = pendingOutput.concat(ByteString.fromArrayUnsafe(bytes));
            if (pendingOutput.size() > maxOutboundBytes) {
                // The peer does not read: the link is given up rather than buffered without bound.
                pendingOutput = ByteString.emptyByteString();
                end("peer does not read (more than " + maxOutboundBytes + " bytes waiting)");
            }
        }

        private void flush() {
            if (isClosed(out)) return;
            if (!pendingOutput.isEmpty() && isAvailable(out)) {
                push(out, pendingOutput.compact());
                pendingOutput = ByteString.emptyByteString();
            }
            if (closing && pendingOutput.isEmpty()) end("closed");
        }

        private void close() {
            if (closing) return;
            if (tls != null) {
                try {
                    enqueue(tls.closeOutbound().netOut());
                } catch (TlsException ignored) {
                    // Closing anyway.
                }
            }
            closing = true;
            parsing = false;
            flush();
        }
    }
}
