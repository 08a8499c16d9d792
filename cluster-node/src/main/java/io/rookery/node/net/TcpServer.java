package io.rookery.node.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.RunnableGraph;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listening sockets on a group of {@link IoLoop}s: the first loop accepts, the connections are spread over all of
 * them, and each connection runs as one stream, its handler joined with a {@link SocketStage}, both fused into one
 * stream actor.
 */
public final class TcpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TcpServer.class);
    /** Connections taken from the backlog per wake-up, so that a burst of accepts does not hold up reads long. */
    private static final int ACCEPTS_PER_WAKEUP = 64;
    private static final long ACCEPT_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** Decides about each accepted connection, on the accepting loop's thread. */
    public interface Acceptor {
        /** Called for each connection: runs a graph for it ({@link Accepted#run}) or closes it. */
        void accepted(Accepted connection);
    }

    /** An accepted connection, until its flow is started. */
    public final class Accepted {
        private final NioConnection connection;

        private Accepted(NioConnection connection) {
            this.connection = connection;
        }

        public InetSocketAddress remoteAddress() {
            return connection.remoteAddress();
        }

        /**
         * Runs a graph made by {@link TcpServer#graph} for this connection; whatever the handler needs handed over
         * for its materialization is handed over right before this call, on this thread.
         */
        public void run(RunnableGraph<NotUsed> graph) {
            socketStage.handOver(connection);
            try {
                graph.run(materializer);
            } finally {
                if (socketStage.unclaimed() != null) {
                    connection.close(true);
                    LOG.error("tcp-socket-handover-failed");
                }
            }
        }

        /** Closes the connection without a word. */
        public void close() {
            connection.close(false);
        }
    }

    /** The bound address and the way to stop listening. */
    public interface Binding {
        InetSocketAddress localAddress();

        CompletionStage<Void> unbind();
    }

    private final IoLoop[] loops;
    private final Materializer materializer;
    private final SocketStage socketStage;
    private final AtomicInteger next = new AtomicInteger();

    /** {@code threads} selector threads named {@code name-N}; {@code closeTimeout}: see {@link SocketStage}. */
    public TcpServer(String name, int threads, Materializer materializer, Duration closeTimeout) throws IOException {
        this.loops = new IoLoop[Math.max(1, threads)];
        for (int i = 0; i < loops.length; i++) loops[i] = new IoLoop(name + "-" + i);
        this.materializer = materializer;
        this.socketStage = new SocketStage(closeTimeout);
    }

    /** The graph of one connection: {@code handler} joined with the socket; build it once per listener. */
    public RunnableGraph<NotUsed> graph(Flow<ByteString, ByteString, NotUsed> handler) {
        return handler.join(Flow.fromGraph(socketStage));
    }

    /** Listens on the address; {@code backlog}: connections the kernel queues until they are accepted. */
    public Binding bind(String iface, int port, int backlog, Acceptor acceptor) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(iface, port), backlog);
            server.configureBlocking(false);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        IoLoop loop = loops[0];
        Listening listening = new Listening(server, loop, acceptor);
        loop.execute(listening::register);
        return listening;
    }

    /** Connections whose sockets are still open, over all loops (for tests). */
    int openConnections() throws Exception {
        int n = 0;
        for (IoLoop loop : loops) n += loop.openConnections().get(5, TimeUnit.SECONDS);
        return n;
    }

    @Override
    public void close() {
        for (IoLoop loop : loops) loop.close();
    }

    private final class Listening implements IoLoop.Ready, Binding {
        private final ServerSocketChannel server;
        private final IoLoop loop;
        private final Acceptor acceptor;
        private final InetSocketAddress local;
        private SelectionKey key;

        Listening(ServerSocketChannel server, IoLoop loop, Acceptor acceptor) throws IOException {
            this.server = server;
            this.loop = loop;
            this.acceptor = acceptor;
            this.local = (InetSocketAddress) server.getLocalAddress();
        }

        void register() {
            try {
                key = server.register(loop.selector, SelectionKey.OP_ACCEPT, this);
            } catch (IOException e) {
                LOG.error("tcp-listen-failed address={}", local, e);
            }
        }

        @Override
        public void ready(SelectionKey key) {
            for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
                SocketChannel channel;
                try {
                    channel = server.accept();
                } catch (IOException e) {
                    // Out of file descriptors, typically: the connection stays in the backlog; try again shortly
                    // rather than spinning on a socket that stays ready.
                    LOG.warn("tcp-accept-failed address={} error={}", local, e.toString());
                    key.interestOps(0);
                    loop.executeLater(ACCEPT_RETRY_NANOS, () -> {
                        if (key.isValid()) key.interestOps(SelectionKey.OP_ACCEPT);
                    });
                    return;
                }
                if (channel == null) return;
                NioConnection connection;
                try {
                    channel.configureBlocking(false);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    connection = new NioConnection(channel, loops[Math.floorMod(next.getAndIncrement(), loops.length)]);
                } catch (IOException e) {
                    try {
                        channel.close();
                    } catch (IOException ignored) {
                        // gone already
                    }
                    continue;
                }
                try {
                    acceptor.accepted(new Accepted(connection));
                } catch (RuntimeException e) {
                    connection.close(true);
                    LOG.error("tcp-accept-handler-failed address={}", local, e);
                }
            }
        }

        @Override
        public void loopClosed() {
            try {
                server.close();
            } catch (IOException e) {
                // stopping anyway
            }
        }

        @Override
        public InetSocketAddress localAddress() {
            return local;
        }

        @Override
        public CompletionStage<Void> unbind() {
            CompletableFuture<Void> done = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    loop.closeNow(server, key);
                } catch (IOException e) {
                    LOG.debug("tcp-unbind", e);
                }
                done.complete(null);
            });
            return done;
        }
    }
}
