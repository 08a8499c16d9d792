package io.rookery.loadtest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One HTTP connection of a BOSH session ({@link BoshCodec}'s link): a non-blocking connect, writes that queue while
 * it connects or while the socket is full, and reads handed to its {@link Connection}. Runs on its loop's thread.
 * A connection lost (end of stream, or an I/O error once connected) is reported as lost, so that its request can go
 * again on a new one; a failed connect or a server that does not read fails the session.
 */
final class BoshLink extends IoLoop.Selectable {
    private static final int MAX_QUEUED_BYTES = 1 << 20;

    private final IoLoop loop;
    private final Connection owner;
    final int index;
    private SocketChannel channel;
    private SelectionKey key;
    private boolean connected;
    private boolean closed;
    private ArrayDeque<ByteBuffer> queue;
    private int queuedBytes;

    BoshLink(IoLoop loop, Connection owner, int index) {
        this.loop = loop;
        this.owner = owner;
        this.index = index;
    }

    boolean closed() {
        return closed;
    }

    void open(InetSocketAddress address) {
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean now = channel.connect(address);
            key = channel.register(loop.selector, now ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
            if (now) up();
        } catch (IOException e) {
            close();
            owner.linkFailed(this, "connect:" + e.getClass().getSimpleName(), e.getMessage());
        }
    }

    @Override
    void onConnectable() {
        try {
            if (!channel.finishConnect()) return;
        } catch (IOException e) {
            close();
            owner.linkFailed(this, "connect:" + e.getClass().getSimpleName(), e.getMessage());
            return;
        }
        key.interestOps(SelectionKey.OP_READ);
        up();
    }

    private void up() {
        connected = true;
        if (queue != null) onWritable(); // what was written while it connected
        if (!closed) owner.linkUp(this);
    }

    @Override
    void onReadable() {
        ByteBuffer rb = loop.readBuffer;
        for (int reads = 0; reads < 4 && !closed; reads++) {
            rb.clear();
            int n;
            try {
                n = channel.read(rb);
            } catch (IOException e) {
                lost();
                return;
            }
            if (n < 0) {
                lost();
                return;
            }
            if (n == 0) return;
            rb.flip();
            rb.get(loop.scratch, 0, n);
            owner.linkRead(this, loop.scratch, n);
            if (n < rb.capacity()) return; // the socket is drained
        }
    }

    /** Writes a request (queued until the connection is up or while the socket is full). */
    void write(byte[] bytes) {
        if (closed || bytes.length == 0) return;
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (connected && queue == null) {
            try {
                channel.write(b);
            } catch (IOException e) {
                lost();
                return;
            }
            if (!b.hasRemaining()) return;
            queue = new ArrayDeque<>(2);
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        } else if (queue == null) {
            queue = new ArrayDeque<>(2);
        }
        queuedBytes += b.remaining();
        queue.add(b);
        if (queuedBytes > MAX_QUEUED_BYTES) {
            close();
            owner.linkFailed(this, "backpressure", "more than " + MAX_QUEUED_BYTES + " bytes unsent");
        }
    }

    @Override
    void onWritable() {
        try {
            while (queue != null && !queue.isEmpty()) {
                ByteBuffer b = queue.peek();
                int before = b.remaining();
                channel.write(b);
                queuedBytes -= before - b.remaining();
                if (b.hasRemaining()) {
                    if (key.isValid()) key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return;
                }
                queue.poll();
            }
        } catch (IOException e) {
            lost();
            return;
        }
        queue = null;
        queuedBytes = 0;
        if (key.isValid()) key.interestOps(SelectionKey.OP_READ);
    }

    /** A failure of the client's own (an exception while handling this link's input): the session fails. */
    @Override
    void fail(String kind, String detail) {
        close();
        owner.linkFailed(this, kind, detail);
    }

    private void lost() {
        close();
        owner.linkLost(this);
    }

    /** Closes the socket at once (unsent output is dropped). */
    void close() {
        if (closed) return;
        closed = true;
        if (key != null) key.cancel();
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closed either way
            }
        }
        queue = null;
    }
}
