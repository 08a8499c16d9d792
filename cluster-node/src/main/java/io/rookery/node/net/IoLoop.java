package io.rookery.node.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread. It accepts on the listening sockets registered with it and reads the connections' sockets,
 * handing what it read to each connection's stream stage ({@link SocketStage}); stages write to their sockets
 * themselves and come here only when a socket's send buffer is full. Everything that touches a selection key runs on
 * this thread, submitted with {@link #execute}. With nothing to do it blocks in {@code select}: an idle node spends
 * no CPU here.
 */
public final class IoLoop {
    private static final Logger LOG = LoggerFactory.getLogger(IoLoop.class);
    /** Bytes one read may take from a socket; the buffer is the loop's, copied out at the size read. */
    static final int READ_BUFFER_BYTES = 64 * 1024;

    /** What a selection key's attachment does when its channel is ready. */
    interface Ready {
        void ready(SelectionKey key) throws IOException;

        /** The loop is stopping: close the channel. */
        void loopClosed();
    }

    private record Deferred(long at, Runnable task) {}

    final Selector selector;
    /** Used by the loop thread only, for one read at a time. */
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    /** Tasks for later; the loop thread only. */
    private final PriorityQueue<Deferred> deferred = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;

    public IoLoop(String name) throws IOException {
        this.selector = Selector.open();
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs the task on the loop thread, after what the loop is doing now. Any thread. */
    void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop() && wakeupPending.compareAndSet(false, true)) selector.wakeup();
    }

    /** Runs the task on the loop thread after the delay; call on the loop thread. */
    void executeLater(long delayNanos, Runnable task) {
        deferred.add(new Deferred(System.nanoTime() + delayNanos, task));
    }

    private void run() {
        try {
            while (!stopping) {
                try {
                    Deferred next = deferred.peek();
                    if (next == null) {
                        selector.select(this::ready);
                    } else {
                        long waitMs = TimeUnit.NANOSECONDS.toMillis(next.at - System.nanoTime());
                        if (waitMs > 0) selector.select(this::ready, waitMs);
                        else selector.selectNow(this::ready);
                    }
                    wakeupPending.set(false);
                    Runnable task;
                    while ((task = tasks.poll()) != null) task.run();
                    long now = System.nanoTime();
                    while ((next = deferred.peek()) != null && next.at - now <= 0) {
                        deferred.poll();
                        next.task.run();
                    }
                } catch (Throwable t) {
                    // One connection's trouble must not stop the others' reads.
                    LOG.error("io-loop-error thread={}", thread.getName(), t);
                }
            }
        } finally {
            for (SelectionKey key : selector.keys()) {
                if (key.attachment() instanceof Ready r) {
                    try {
                        r.loopClosed();
                    } catch (RuntimeException e) {
                        LOG.debug("io-loop-close", e);
                    }
                }
            }
            try {
                selector.close();
            } catch (IOException e) {
                LOG.debug("io-loop-close", e);
            }
            stopped.countDown();
        }
    }

    /**
     * Closes a channel registered here at once; call on the loop thread. NIO keeps the socket of a registered channel
     * open after {@code close()} until the selector's next selection deregisters its key, so a listener that was
     * just "closed" could still take a connection; selecting now (and handling whatever is ready) releases it.
     */
    void closeNow(java.nio.channels.SelectableChannel channel, SelectionKey key) throws IOException {
        if (key != null) key.cancel();
        try {
            channel.close();
        } finally {
            selector.selectNow(this::ready);
        }
    }

    private void ready(SelectionKey key) {
        try {
            if (key.isValid()) ((Ready) key.attachment()).ready(key);
        } catch (CancelledKeyException e) {
            // closed meanwhile
        } catch (Throwable t) {
            LOG.error("io-loop-error thread={}", thread.getName(), t);
        }
    }

    /** Connections whose sockets are still registered here (asked on the loop thread; for tests). */
    java.util.concurrent.CompletableFuture<Integer> openConnections() {
        java.util.concurrent.CompletableFuture<Integer> count = new java.util.concurrent.CompletableFuture<>();
        execute(() -> {
            int n = 0;
            for (SelectionKey key : selector.keys()) if (key.isValid() && key.attachment() instanceof NioConnection) n++;
            count.complete(n);
        });
        return count;
    }

    /** Stops the loop and closes every channel still registered with it; waits at most five seconds. */
    public void close() {
        stopping = true;
        selector.wakeup();
        if (!inLoop()) {
            try {
                stopped.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
