package io.rookery.loadtest;

import io.rookery.protocol.tls.TlsBufferPool;
import io.rookery.protocol.tls.TlsCodec;
import io.rookery.protocol.tls.TlsException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;

/**
 * The socket side of a {@link Session}: non-blocking connect, reads through its loop's shared buffer, the STARTTLS
 * codec once it is switched on, and writes that queue only while the socket is full. Runs on the loop's thread.
 * Failures go to {@link #fail} with a kind such as {@code connect:ConnectException} or {@code io:IOException}.
 *
 * <p>Over BOSH ({@code --transport=bosh}) it has no socket of its own: a {@link BoshCodec} turns the stream into
 * HTTP requests on up to two {@link BoshLink}s. Closed while its terminate request is out, it lingers (the session
 * gone from its loop) until that request is answered, for at most {@link #LINGER_NANOS}.
 */
abstract class Connection extends IoLoop.Selectable {
    /** How long a closed BOSH session waits for the answer to its terminate request. */
    static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Output queued for a server that does not read; beyond it the session fails rather than grow. */
    private static final int MAX_QUEUED_BYTES = 1 << 20;

    final IoLoop loop;
    private SocketChannel channel;
    private SelectionKey key;
    private TlsCodec tls;
    private ArrayDeque<ByteBuffer> queue;
    private int queuedBytes;
    /** XMPP over WebSocket (--transport=websocket): the upgrade and the framing, below the session's stream. */
    private WsCodec ws;
    /** The HTTP server's address (WebSocket, BOSH). */
    private InetSocketAddress httpAddress;
    /** XMPP over BOSH (--transport=bosh): the codec and its HTTP connections; null otherwise and once closed. */
    private BoshCodec bosh;
    private BoshLink[] links;
    private boolean boshUp;
    private boolean lingering;
    private long lingerUntil;

    Connection(IoLoop loop) {
        this.loop = loop;
    }

    /** Whether the session has ended; nothing is read or written after. */
    abstract boolean ended();

    /** Ends the session, counting a failure of this kind; must end up calling {@link #closeChannel()}. */
    @Override
    abstract void fail(String kind, String detail);

    /** The TCP connection is up. */
    abstract void connected();

    /** Plaintext from the server; the array is only valid during the call. */
    abstract void received(byte[] bytes, int length);

    /** The TLS handshake finished (once). */
    abstract void tlsEstablished();

    /** The server closed its side (TCP end of stream or TLS close_notify). */
    abstract void endOfInput();

    final void open(InetSocketAddress address) {
        if (loop.options.bosh) {
            httpAddress = address;
            bosh = new BoshCodec(address.getHostString(), address.getPort(), loop.options.boshPath);
            links = new BoshLink[BoshCodec.LINKS];
            link(0);
            return;
        }
        if (loop.options.webSocket) {
            ws = new WsCodec();
            httpAddress = address;
        }
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean connected = channel.connect(address);
            key = channel.register(loop.selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
            if (connected) transportUp();
        } catch (IOException e) {
            fail("connect:" + e.getClass().getSimpleName(), e.getMessage());
        }
    }

    @Override
    final void onConnectable() {
        try {
            if (!channel.finishConnect()) return;
        } catch (IOException e) {
            fail("connect:" + e.getClass().getSimpleName(), e.getMessage());
            return;
        }
        key.interestOps(SelectionKey.OP_READ);
        transportUp();
    }

    /** TCP is up: the session starts, or first the WebSocket upgrade. */
    private void transportUp() {
        if (ws == null) {
            connected();
        } else {
            writeNet(ws.handshake(httpAddress.getHostString(), httpAddress.getPort(), loop.options.wsPath));
        }
    }

    /** Bytes from a WebSocket: the upgrade's answer, then frames, whose messages the session reads as its stream. */
    private void fromWebSocket(byte[] bytes, int n) {
        WsCodec.Input in = ws.read(bytes, n);
        for (byte[] reply : in.replies()) writeNet(reply);
        if (in.upgraded()) connected();
        for (byte[] m : in.stream()) {
            if (ended()) return;
            received(m, m.length);
        }
        if (in.failure() != null && !ended()) {
            fail(in.failure(), null);
        } else if (in.closed() && !ended()) {
            endOfInput();
        }
    }

    @Override
    final void onReadable() {
        ByteBuffer rb = loop.readBuffer;
        for (int reads = 0; reads < 4 && !ended(); reads++) {
            rb.clear();
            int n;
            try {
                n = channel.read(rb);
            } catch (IOException e) {
                fail("io:" + e.getClass().getSimpleName(), e.getMessage());
                return;
            }
            if (n < 0) {
                endOfInput();
                return;
            }
            if (n == 0) return;
            rb.flip();
            rb.get(loop.scratch, 0, n);
            if (ws != null) {
                fromWebSocket(loop.scratch, n);
            } else if (tls == null) {
                received(loop.scratch, n);
            } else {
                unwrap(n);
            }
            if (n < rb.capacity()) return; // the socket is drained
        }
    }

    private void unwrap(int n) {
        TlsCodec.Result r;
        try {
            r = tls.unwrap(loop.scratch, 0, n);
        } catch (TlsException e) {
            writeNet(e.alertBytes());
            fail("tls:handshake-or-record", e.getMessage());
            return;
        }
        writeNet(r.netOut());
        if (r.handshakeFinished()) tlsEstablished();
        if (r.appOut().length > 0 && !ended()) received(r.appOut(), r.appOut().length);
        if (r.inboundClosed() && !ended()) endOfInput();
    }

    /** From now on everything goes through TLS; the ClientHello leaves with the next {@link #send}. */
    final void startTls(SSLEngine clientEngine) {
        tls = new TlsCodec(clientEngine, TlsBufferPool.shared());
    }

    final boolean tlsActive() {
        return tls != null;
    }

    /** Sends plaintext, encrypted when TLS is on. */
    final void send(byte[] plain) {
        if (ended()) return;
        if (bosh != null) {
            for (BoshCodec.Send s : bosh.write(plain)) writeLink(s);
            return;
        }
        if (ws != null) {
            for (byte[] frame : ws.frames(plain)) writeNet(frame);
            return;
        }
        if (tls == null) {
            writeNet(plain);
            return;
        }
        try {
            writeNet(tls.wrap(plain, 0, plain.length).netOut());
        } catch (TlsException e) {
            writeNet(e.alertBytes());
            fail("tls:wrap", e.getMessage());
        }
    }

    /** Sends TLS close_notify when TLS is on. */
    final void closeTls() {
        if (tls == null || ended()) return;
        try {
            writeNet(tls.closeOutbound().netOut());
        } catch (TlsException e) {
            writeNet(e.alertBytes());
        }
    }

    private void writeNet(byte[] bytes) {
        if (bytes.length == 0 || ended()) return;
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (queue == null) {
            try {
                channel.write(b);
            } catch (IOException e) {
                fail("io:" + e.getClass().getSimpleName(), e.getMessage());
                return;
            }
            if (!b.hasRemaining()) return;
            queue = new ArrayDeque<>(4);
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        }
        queuedBytes += b.remaining();
        queue.add(b);
        if (queuedBytes > MAX_QUEUED_BYTES) fail("backpressure", "more than " + MAX_QUEUED_BYTES + " bytes unsent");
    }

    @Override
    final void onWritable() {
        try {
            while (queue != null && !queue.isEmpty()) {
                ByteBuffer b = queue.peek();
                int before = b.remaining();
                channel.write(b);
                queuedBytes -= before - b.remaining();
                if (b.hasRemaining()) return;
                queue.poll();
            }
        } catch (IOException e) {
            fail("io:" + e.getClass().getSimpleName(), e.getMessage());
            return;
        }
        queue = null;
        queuedBytes = 0;
        if (key.isValid()) key.interestOps(SelectionKey.OP_READ);
    }

    // ---- BOSH ------------------------------------------------------------------------------------------------------

    /** The link, with a new connection when it has none (or its last one was lost). */
    private BoshLink link(int i) {
        BoshLink l = links[i];
        if (l == null || l.closed()) {
            l = new BoshLink(loop, this, i);
            links[i] = l;
            l.open(httpAddress);
        }
        return l;
    }

    private void writeLink(BoshCodec.Send s) {
        if (bosh != null) link(s.link()).write(s.bytes());
    }

    /** A link's connection is up: the first one starts the session (its stream header becomes the creation). */
    final void linkUp(BoshLink l) {
        if (boshUp || bosh == null || ended()) return;
        boshUp = true;
        connected();
    }

    /** Responses on a link: their stream bytes go to the session, then what it answers (or the long poll) goes. */
    final void linkRead(BoshLink l, byte[] bytes, int n) {
        if (bosh == null || links[l.index] != l) return;
        BoshCodec.Input in = bosh.read(l.index, bytes, n);
        if (!lingering) {
            for (byte[] m : in.stream()) {
                if (ended()) break;
                received(m, m.length);
            }
            if (in.failure() != null && !ended()) fail(in.failure(), in.detail());
        }
        if (bosh == null) return; // closed for good
        for (BoshCodec.Send s : bosh.afterInput()) writeLink(s);
        if (lingering && bosh != null && (bosh.terminateAnswered() || bosh.ended())) closeLinks();
    }

    /** The server closed a link's connection: its request, if one was out, goes again on a new one. */
    final void linkLost(BoshLink l) {
        if (bosh == null || links[l.index] != l) return;
        List<BoshCodec.Send> resend = new ArrayList<>(1);
        String failure = bosh.linkLost(l.index, resend);
        if (failure == null) {
            for (BoshCodec.Send s : resend) writeLink(s);
        } else if (lingering) {
            closeLinks();
        } else if (!ended()) {
            fail(failure, "the server closed the connection of a request");
        }
    }

    /** A link could not connect, or its output piled up, or handling its input threw. */
    final void linkFailed(BoshLink l, String kind, String detail) {
        if (bosh == null || links[l.index] != l) return;
        if (lingering) {
            closeLinks();
        } else if (!ended()) {
            fail(kind, detail);
        }
    }

    /** Called by the loop while lingering: whether it is over (answered, or given up on now). */
    final boolean lingerOver(long now) {
        if (!lingering) return true;
        if (now - lingerUntil < 0) return false;
        closeLinks();
        return true;
    }

    /** The loop is going away. */
    final void stopLingering() {
        if (lingering) closeLinks();
    }

    private void closeLinks() {
        lingering = false;
        if (links != null) {
            for (BoshLink l : links) if (l != null) l.close();
        }
        links = null;
        bosh = null;
    }

    /**
     * Closes the socket at once (unsent output is dropped) and forgets the TLS state. A BOSH session whose terminate
     * request is out (or waits for a link) lingers until it is answered.
     */
    final void closeChannel() {
        if (links != null) {
            if (!lingering && bosh != null && bosh.terminating() && !bosh.terminateAnswered()) {
                lingering = true;
                lingerUntil = System.nanoTime() + LINGER_NANOS;
                loop.linger(this);
            } else if (!lingering) {
                closeLinks();
            }
            return;
        }
        if (key != null) key.cancel();
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closed either way
            }
        }
        tls = null;
        queue = null;
        ws = null;
    }
}
