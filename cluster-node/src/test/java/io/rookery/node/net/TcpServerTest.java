package io.rookery.node.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.RunnableGraph;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The NIO transport over real loopback sockets: bytes both ways in order, back-pressure, ends and resets. */
class TcpServerTest {
    private static ActorTestKit kit;
    private static Materializer materializer;
    private TcpServer server;
    private final ExecutorService clients = Executors.newCachedThreadPool();

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create(ConfigFactory.parseString("""
                pekko.actor.provider = local
                pekko.loglevel = WARNING
                """).withFallback(ConfigFactory.load()));
        materializer = Materializer.matFromSystem(kit.system());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @AfterEach
    void closeServer() {
        if (server != null) server.close();
        clients.shutdownNow();
    }

    private TcpServer.Binding serve(Flow<ByteString, ByteString, NotUsed> handler) throws IOException {
        return serve(handler, Duration.ofSeconds(2));
    }

    private TcpServer.Binding serve(Flow<ByteString, ByteString, NotUsed> handler, Duration closeTimeout)
            throws IOException {
        server = new TcpServer("test-io", 2, materializer, closeTimeout);
        RunnableGraph<NotUsed> graph = server.graph(handler);
        return server.bind("127.0.0.1", 0, 128, accepted -> accepted.run(graph));
    }

    private static Socket connect(TcpServer.Binding binding) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", binding.localAddress().getPort()), 5000);
        s.setSoTimeout(20_000);
        return s;
    }

    /** The server's open connections once they are {@code expected}, or after {@code seconds} whatever they are. */
    private int awaitOpenConnections(int expected, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int open;
        while ((open = server.openConnections()) != expected && System.nanoTime() < deadline) Thread.sleep(50);
        return open;
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toByteArray();
    }

    @Test
    void bytesComeBackInOrderOnManyConnectionsAtOnce() throws Exception {
        TcpServer.Binding binding = serve(Flow.<ByteString>create().map(b -> b));
        Future<?>[] runs = new Future<?>[20];
        for (int c = 0; c < runs.length; c++) {
            int seed = c;
            runs[c] = clients.submit(() -> {
                byte[] sent = new byte[300_000];
                new Random(seed).nextBytes(sent);
                try (Socket s = connect(binding)) {
                    Future<byte[]> echoed = clients.submit(() -> readToEnd(s.getInputStream()));
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < sent.length; i += 1000) out.write(sent, i, Math.min(1000, sent.length - i));
                    s.shutdownOutput();
                    assertArrayEquals(sent, echoed.get(30, TimeUnit.SECONDS), "connection " + seed);
                }
                return null;
            });
        }
        for (Future<?> r : runs) r.get(60, TimeUnit.SECONDS);
    }

    @Test
    void aClientThatDoesNotReadHoldsBackTheWritesAndThenGetsEverythingAndAnOrderlyEnd() throws Exception {
        int chunks = 2000;
        byte[] chunk = new byte[8192];
        new Random(7).nextBytes(chunk);
        AtomicLong pushed = new AtomicLong();
        TcpServer.Binding binding = serve(Flow.fromSinkAndSource(Sink.ignore(),
                Source.range(1, chunks).map(i -> {
                    pushed.incrementAndGet();
                    return ByteString.fromArray(chunk);
                })));
        try (Socket s = connect(binding)) {
            s.setReceiveBufferSize(64 * 1024);
            // Not reading: the kernel's buffers fill and the stream stops asking for more.
            long seen = -1;
            for (int i = 0; i < 50 && pushed.get() != seen; i++) {
                seen = pushed.get();
                Thread.sleep(100);
            }
            assertTrue(pushed.get() < chunks, "16 MiB did not wait for a reader: " + pushed.get() + " chunks pushed");
            MessageDigest expected = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < chunks; i++) expected.update(chunk);
            byte[] received = readToEnd(s.getInputStream());
            assertEquals((long) chunks * chunk.length, received.length);
            assertArrayEquals(expected.digest(), MessageDigest.getInstance("SHA-256").digest(received));
        }
    }

    @Test
    void theClientsEndCompletesTheInputAndTheAnswerStillArrives() throws Exception {
        TcpServer.Binding binding = serve(Flow.<ByteString>create()
                .fold(0L, (n, b) -> n + b.size())
                .map(n -> ByteString.fromString("received " + n)));
        try (Socket s = connect(binding)) {
            s.getOutputStream().write(new byte[12345]);
            s.shutdownOutput();
            assertEquals("received 12345", new String(readToEnd(s.getInputStream()), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aClientThatClosedFirstIsNotKeptWaitingForTheCloseTimeout() throws Exception {
        TcpServer.Binding binding = serve(Flow.<ByteString>create()
                .fold(0L, (n, b) -> n + b.size())
                .map(n -> ByteString.fromString("received " + n)), Duration.ofSeconds(60));
        try (Socket s = connect(binding)) {
            s.getOutputStream().write(new byte[10]);
            s.shutdownOutput();
            assertEquals("received 10", new String(readToEnd(s.getInputStream()), StandardCharsets.US_ASCII));
        }
        // The client's end came before ours: the socket is closed at once, not after the 60 s close timeout.
        assertEquals(0, awaitOpenConnections(0, 5));
    }

    @Test
    void theServerClosingWhileTheClientStillSendsDeliversItsLastBytes() throws Exception {
        // The handler answers the first bytes and closes; the client keeps sending meanwhile. Without reading what
        // arrives after the close, the kernel would reset the connection and could drop the answer.
        TcpServer.Binding binding = serve(Flow.<ByteString>create().take(1)
                .map(b -> ByteString.fromString("bye " + "x".repeat(100_000))));
        try (Socket s = connect(binding)) {
            OutputStream out = s.getOutputStream();
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200);
            for (int i = 0; i < 20; i++) out.write(new byte[1000]);
            byte[] answer = readToEnd(s.getInputStream());
            assertEquals(100_004, answer.length);
        }
    }

    @Test
    void aFailingHandlerResetsTheConnection() throws Exception {
        TcpServer.Binding binding = serve(Flow.<ByteString>create().map(b -> {
            throw new IllegalStateException("handler failed on purpose");
        }));
        try (Socket s = connect(binding)) {
            s.getOutputStream().write(1);
            assertThrows(IOException.class, () -> {
                int r = s.getInputStream().read();
                if (r == -1) throw new AssertionError("an orderly end, not a reset");
            });
        }
    }

    @Test
    void readsFollowDemandAndAStalledHandlerStopsReadingTheSocket() throws Exception {
        CompletableFuture<ByteString> gate = new CompletableFuture<>();
        AtomicLong received = new AtomicLong();
        TcpServer.Binding binding = serve(Flow.<ByteString>create()
                .mapAsync(1, b -> {
                    received.addAndGet(b.size());
                    return gate.thenApply(g -> b);
                })
                .fold(0L, (n, b) -> n + b.size())
                .map(n -> ByteString.fromString(Long.toString(n))));
        long total = 64L << 20;
        try (Socket s = connect(binding)) {
            Future<Long> writer = clients.submit(() -> {
                OutputStream out = s.getOutputStream();
                byte[] block = new byte[65536];
                for (long sent = 0; sent < total; sent += block.length) out.write(block);
                s.shutdownOutput();
                return total;
            });
            assertThrows(java.util.concurrent.TimeoutException.class, () -> writer.get(2, TimeUnit.SECONDS),
                    "64 MiB went in while the handler took nothing");
            assertTrue(received.get() <= IoLoop.READ_BUFFER_BYTES, "read past the demand: " + received.get());
            gate.complete(ByteString.emptyByteString());
            assertEquals(total, writer.get(60, TimeUnit.SECONDS));
            assertEquals(Long.toString(total), new String(readToEnd(s.getInputStream()), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aClientThatDoesNotReadTheLastBytesIsResetAfterTheCloseTimeout() throws Exception {
        // The handler's last write (32 MiB, more than the kernel takes for a client that does not read) and its end
        // come at once: the close timeout (2 s) runs from that end, not from the last byte leaving, so a client that
        // stopped reading does not keep the socket and the unwritten bytes for ever.
        int total = 32 << 20;
        TcpServer.Binding binding = serve(Flow.fromSinkAndSource(Sink.ignore(),
                Source.single(ByteString.fromArray(new byte[total]))));
        try (Socket s = connect(binding)) {
            assertEquals(1, awaitOpenConnections(1, 5), "the connection is not served");
            assertEquals(0, awaitOpenConnections(0, 10), "the socket outlived the close timeout");
            long received = 0;
            boolean reset = false;
            byte[] buf = new byte[1 << 16];
            InputStream in = s.getInputStream();
            try {
                for (int n; (n = in.read(buf)) >= 0; ) received += n;
            } catch (IOException e) {
                reset = true;
            }
            assertTrue(received < total, "every byte arrived: " + received);
            assertTrue(reset, "an orderly end after " + received + " of " + total + " bytes, not a reset");
        }
    }

    @Test
    void afterUnbindNobodyConnects() throws Exception {
        TcpServer.Binding binding = serve(Flow.<ByteString>create());
        int port = binding.localAddress().getPort();
        connect(binding).close();
        binding.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    @Test
    void aClientThatNeverClosesItsEndIsClosedAfterTheCloseTimeout() throws Exception {
        TcpServer.Binding binding = serve(Flow.fromSinkAndSource(Sink.ignore(),
                Source.single(ByteString.fromString("done"))));
        try (Socket s = connect(binding)) {
            s.setSoTimeout(1000);
            InputStream in = s.getInputStream();
            byte[] four = in.readNBytes(4);
            assertEquals("done", new String(four, StandardCharsets.US_ASCII));
            assertEquals(-1, in.read(), "our end (FIN) follows the last bytes");
            // Our end is closed but the client's is open: the server waits close-timeout (2 s here), then closes;
            // a write after that is answered with a reset.
            Thread.sleep(3000);
            OutputStream out = s.getOutputStream();
            assertThrows(IOException.class, () -> {
                for (int i = 0; i < 50; i++) {
                    out.write(new byte[1000]);
                    out.flush();
                    Thread.sleep(50);
                }
            });
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no orderly end of our output", e);
        }
    }
}
