package io.rookery.node.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.pekko.util.ByteString;

/**
 * One accepted socket, shared by its {@link IoLoop} (which reads it) and its {@link SocketStage} (which writes it and
 * asks for reads). Reading follows the stage's demand without a message per read in the common case: the stage
 * marks its demand here, the loop reads once per demand and hands the bytes over. Only when bytes arrive while there
 * is no demand does the loop stop watching the socket, and the next demand has to wake the loop to watch it again.
 */
final class NioConnection implements IoLoop.Ready {
    /** The stage's signals, handed over with the bytes read through one callback. */
    enum Signal { END_OF_INPUT, WRITABLE, CLOSE_TIMEOUT }

    private static final int IDLE = 0;      // no demand; the loop watches for input
    private static final int DEMAND = 1;    // the stage wants bytes; the loop reads once when the socket has some
    private static final int PAUSED = 2;    // input arrived without demand; the loop no longer watches for it
    private static final int DISCARD = 3;   // closing: whatever arrives is read and dropped until the client's end
    private static final int ENDED = 4;     // end of input or a read error was handed over; nothing more is read

    final SocketChannel channel;
    final IoLoop loop;
    private final AtomicInteger reading = new AtomicInteger(IDLE);
    /** The loop thread only. */
    private SelectionKey key;
    /** Bytes read (ByteString), a {@link Signal} or an IOException; set before {@link #register}. */
    private Consumer<Object> events;

    NioConnection(SocketChannel channel, IoLoop loop) {
        this.channel = channel;
        this.loop = loop;
    }

    InetSocketAddress remoteAddress() {
        try {
            return (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** Starts watching the socket; events go to the stage from now on. */
    void register(Consumer<Object> events) {
        this.events = events;
        loop.execute(() -> {
            try {
                key = channel.register(loop.selector, SelectionKey.OP_READ, this);
            } catch (ClosedChannelException e) {
                ended(e);
            }
        });
    }

    // ---- the loop thread ----------------------------------------------------------------------------------------

    @Override
    public void ready(SelectionKey key) {
        int ready = key.readyOps();
        if ((ready & SelectionKey.OP_WRITE) != 0) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
            events.accept(Signal.WRITABLE);
        }
        if ((ready & SelectionKey.OP_READ) != 0 && key.isValid()) readReady(key);
    }

    private void readReady(SelectionKey key) {
        for (;;) {
            int s = reading.get();
            switch (s) {
                case DEMAND -> {
                    read(true);
                    return;
                }
                case DISCARD -> {
                    read(false);
                    return;
                }
                case IDLE -> {
                    if (reading.compareAndSet(IDLE, PAUSED)) {
                        key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
                        return;
                    }
                }
                default -> {
                    key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
                    return;
                }
            }
        }
    }

    private void read(boolean deliver) {
        ByteBuffer buffer = loop.readBuffer;
        buffer.clear();
        int n;
        try {
            n = channel.read(buffer);
        } catch (IOException e) {
            ended(e);
            return;
        }
        if (n < 0) {
            ended(Signal.END_OF_INPUT);
            return;
        }
        if (n == 0 || !deliver) return;
        byte[] bytes = new byte[n];
        buffer.flip();
        buffer.get(bytes);
        // The stage asks again only after it has the bytes, so demand is spent before they are handed over.
        if (reading.compareAndSet(DEMAND, IDLE)) events.accept(ByteString.fromArrayUnsafe(bytes));
    }

    private void ended(Object why) {
        reading.set(ENDED);
        if (key != null && key.isValid()) key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
        events.accept(why);
    }

    private void watchInput() {
        if (key != null && key.isValid()) key.interestOps(key.interestOps() | SelectionKey.OP_READ);
    }

    @Override
    public void loopClosed() {
        closeNow(false);
    }

    private void closeNow(boolean abort) {
        if (key != null) key.cancel();
        try {
            if (abort && channel.isOpen()) channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException e) {
            // closing anyway
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    // ---- the stage ----------------------------------------------------------------------------------------------

    /** The stage wants the next bytes. */
    void demand() {
        for (;;) {
            int s = reading.get();
            if (s == IDLE) {
                if (reading.compareAndSet(IDLE, DEMAND)) return;
            } else if (s == PAUSED) {
                if (reading.compareAndSet(PAUSED, DEMAND)) {
                    loop.execute(this::watchInput);
                    return;
                }
            } else {
                return;
            }
        }
    }

    /** The stage wants no more bytes: read and drop them until the client's end, so that closing sends no RST. */
    void discardInput() {
        for (;;) {
            int s = reading.get();
            if (s == ENDED || s == DISCARD) return;
            if (reading.compareAndSet(s, DISCARD)) {
                if (s == PAUSED) loop.execute(this::watchInput);
                return;
            }
        }
    }

    /** The send buffer was full: tell the stage with {@link Signal#WRITABLE} when it has room again. */
    void awaitWritable() {
        loop.execute(() -> {
            if (key != null && key.isValid()) key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        });
    }

    /** Writes as much as the send buffer takes; true when nothing is left. */
    boolean write(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            if (channel.write(bytes) == 0) return false;
        }
        return true;
    }

    /** Sends the end of our output (FIN); the client can still be read. */
    void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            // the connection is gone already
        }
    }

    /** Closes the socket; {@code abort}: with a reset, dropping what is unsent. Any thread. */
    void close(boolean abort) {
        reading.set(ENDED);
        loop.execute(() -> closeNow(abort));
    }
}
