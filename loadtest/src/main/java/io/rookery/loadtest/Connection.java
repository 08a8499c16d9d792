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
import javax.net.ssl.SSLEngine;

/**
 * The socket side of a {@link Session}: non-blocking connect, reads through its loop's shared buffer, the STARTTLS
 * codec once it is switched on, and writes that queue only while the socket is full. Runs on the loop's thread.
 * Failures go to {@link #fail} with a kind such as {@code connect:ConnectException} or {@code io:IOException}.
 */
abstract class Connection {
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
    private InetSocketAddress wsAddress;

    Connection(IoLoop loop) {
        this.loop = loop;
    }

    /** Whether the session has ended; nothing is read or written after. */
    abstract boolean ended();

    /** Ends the session, counting a failure of this kind; must end up calling {@link #closeChannel()}. */
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
        if (loop.options.webSocket) {
            ws = new WsCodec();
            wsAddress = address;
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
            writeNet(ws.handshake(wsAddress.getHostString(), wsAddress.getPort(), loop.options.wsPath));
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

    /** Closes the socket at once (unsent output is dropped) and forgets the TLS state. */
    final void closeChannel() {
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
