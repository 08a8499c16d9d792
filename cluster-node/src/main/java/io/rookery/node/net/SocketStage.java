package io.rookery.node.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * A socket as a stream stage: what arrives on its inlet is written to the socket, what the socket reads leaves
 * through its outlet, under the outlet's demand. It replaces {@code pekko.io}'s actor per connection: the stage writes
 * the socket itself, without a hop, and its {@link IoLoop} reads the socket only when the stage has asked for bytes,
 * so a read costs one message to the stream, where Pekko's TCP costs three (the selector to the connection actor, that
 * actor to the stream, the stream's ask for more back to the actor) and each write two more.
 *
 * <p>Closing: when the inlet completes, what is still unwritten is written, then our end of the connection is
 * closed (FIN) and the socket read and dropped until the client closes its end, so that the client receives
 * everything before the connection is gone (closing with unread input would reset it, and a reset may discard what
 * the client had not read yet). All of that within {@code closeTimeout} from the inlet's completion: a client that
 * does not read its last bytes by then is reset, and what the stage still held for it is dropped, so that a client
 * that stopped reading holds neither the socket nor a buffer for longer. An inlet that fails resets the connection
 * at once. The end of the client's input completes the outlet; a read error fails it.
 *
 * <p>One stage serves a whole listener: {@link #handOver} gives it the socket of the connection being materialized,
 * as {@code ConnectionStage} gets its address, so that a connection's logic does not keep a stage object of its own.
 */
public final class SocketStage extends GraphStage<FlowShape<ByteString, ByteString>> {
    private final Inlet<ByteString> in = Inlet.create("socket.write");
    private final Outlet<ByteString> out = Outlet.create("socket.read");
    private final FlowShape<ByteString, ByteString> shape = FlowShape.of(in, out);
    private final scala.concurrent.duration.FiniteDuration closeTimeout;
    private NioConnection handedOver;

    public SocketStage(Duration closeTimeout) {
        this.closeTimeout = scala.concurrent.duration.FiniteDuration.create(closeTimeout.toNanos(),
                java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    @Override
    public FlowShape<ByteString, ByteString> shape() {
        return shape;
    }

    /** The socket for the logic that is materialized next, on this thread. */
    void handOver(NioConnection connection) {
        handedOver = connection;
    }

    /** A socket handed over that no logic took, or null; resets. */
    NioConnection unclaimed() {
        NioConnection c = handedOver;
        handedOver = null;
        return c;
    }

    @Override
    public GraphStageLogic createLogic(Attributes inheritedAttributes) {
        NioConnection connection = handedOver;
        handedOver = null;
        if (connection == null) throw new IllegalStateException("no socket was handed over to this materialization");
        return new Logic(connection);
    }

    private final class Logic extends GraphStageLogic {
        private final NioConnection socket;
        /** What the socket did not take yet; null when everything was written. */
        private ByteBuffer unwritten;
        private boolean closing;
        private boolean closed;
        /** The client's end (or a read error) has been seen: there is nothing left to wait for when closing. */
        private boolean inputEnded;
        private boolean closeTimerStarted;

        Logic(NioConnection socket) {
            super(shape);
            this.socket = socket;
            setHandler(in, new AbstractInHandler() {
                @Override
                public void onPush() {
                    unwritten = grab(in).asByteBuffer();
                    flush();
                }

                @Override
                public void onUpstreamFinish() {
                    startCloseTimer();
                    if (unwritten == null) finish();
                }

                @Override
                public void onUpstreamFailure(Throwable ex) {
                    closeSocket(true);
                }
            });
            setHandler(out, new AbstractOutHandler() {
                @Override
                public void onPull() {
                    socket.demand();
                }

                @Override
                public void onDownstreamFinish(Throwable cause) {
                    socket.discardInput();
                }
            });
        }

        @Override
        public void preStart() {
            // The stage ends when the socket is closed, not when its ports are: writing may outlast both.
            setKeepGoing(true);
            AsyncCallback<Object> events = createAsyncCallback(this::event);
            socket.register(events::invoke);
            pull(in);
        }

        private void event(Object event) {
            if (event instanceof ByteString bytes) {
                if (!isClosed(out)) push(out, bytes);
            } else if (event == NioConnection.Signal.WRITABLE) {
                flush();
            } else if (event == NioConnection.Signal.END_OF_INPUT) {
                inputEnded = true;
                if (closing) closeSocket(false);
                else if (!isClosed(out)) complete(out);
            } else if (event == NioConnection.Signal.CLOSE_TIMEOUT) {
                // Whatever is still unwritten will not be read: reset rather than keep it.
                closeSocket(unwritten != null);
            } else if (event instanceof IOException e) {
                inputEnded = true;
                if (closing) closeSocket(false);
                else if (!isClosed(out)) fail(out, e);
            }
        }

        private void flush() {
            if (unwritten == null || closed) return;
            boolean all;
            try {
                all = socket.write(unwritten);
            } catch (IOException e) {
                // The client is gone: what it did not get is reported through the reading side.
                unwritten = null;
                if (!isClosed(out)) fail(out, e);
                if (!isClosed(in)) cancel(in);
                closeSocket(true);
                return;
            }
            if (!all) {
                socket.awaitWritable();
                return;
            }
            unwritten = null;
            if (isClosed(in)) finish();
            else pull(in);
        }

        /** Everything is written and nothing more will be: close our end, then wait for the client's. */
        private void finish() {
            if (closing || closed) return;
            closing = true;
            if (!isClosed(out)) complete(out);
            if (inputEnded) {
                // The client closed first (the usual end of a stream): both ends are done.
                closeSocket(false);
                return;
            }
            socket.shutdownOutput();
            socket.discardInput();
            startCloseTimer();
        }

        /** From the inlet's completion on, the connection has closeTimeout to end; once, however it started. */
        private void startCloseTimer() {
            if (closeTimerStarted) return;
            closeTimerStarted = true;
            AsyncCallback<Object> timeout = createAsyncCallback(this::event);
            materializer().scheduleOnce(closeTimeout, () -> timeout.invoke(NioConnection.Signal.CLOSE_TIMEOUT));
        }

        private void closeSocket(boolean abort) {
            if (!closed) {
                closed = true;
                socket.close(abort);
            }
            completeStage();
        }

        @Override
        public void postStop() {
            if (!closed) {
                closed = true;
                socket.close(false);
            }
        }
    }
}
