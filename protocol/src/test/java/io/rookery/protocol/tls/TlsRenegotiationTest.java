package io.rookery.protocol.tls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * TLS 1.2 renegotiation is refused by the codec itself, whatever {@code jdk.tls.rejectClientInitiatedRenegotiation}
 * says: each renegotiation is a full handshake the server pays for, and a client could ask for one after another.
 */
class TlsRenegotiationTest {
    private static final int ALERT = 21;
    private static final byte[] PING = "<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>".getBytes(UTF_8);

    @Test
    void aJdkClientAskingForASecondTls12HandshakeIsDisconnected() throws Exception {
        TestTls.Keys keys = TestTls.ec();
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Object> server = CompletableFuture.supplyAsync(() -> echoUntilFailure(listener, keys));
            AtomicInteger handshakes = new AtomicInteger();
            Object clientEnd;
            try (SSLSocket socket = (SSLSocket) keys.client().getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                socket.setSoTimeout(10_000);
                socket.setEnabledProtocols(new String[] {"TLSv1.2"});
                socket.addHandshakeCompletedListener(e -> handshakes.incrementAndGet());
                socket.startHandshake();
                assertArrayEquals(PING, roundTrip(socket), "the first handshake works");
                // The JDK tells handshake listeners on a thread of its own: wait for the first to be counted.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (handshakes.get() == 0 && System.nanoTime() < deadline) Thread.sleep(10);
                assertEquals(1, handshakes.get(), "the first handshake is counted");

                socket.startHandshake(); // on TLS 1.2 an established JDK socket sends a new ClientHello
                clientEnd = outcome(() -> roundTrip(socket));
            }

            Object serverEnd = server.get(20, TimeUnit.SECONDS);
            TlsException refused = assertInstanceOf(TlsException.class, serverEnd);
            assertEquals(TlsException.Kind.RENEGOTIATION_REFUSED, refused.kind());
            assertTrue(clientEnd instanceof IOException || Integer.valueOf(-1).equals(clientEnd),
                    "the client's connection ends instead of carrying data: " + clientEnd);
            assertEquals(1, handshakes.get(), "no second handshake completed");
        }
    }

    @Test
    void aSecondTls12HandshakeBetweenTwoCodecsIsRefusedBeforeTheServerAnswersIt() throws Exception {
        TlsBufferPool pool = new TlsBufferPool(TlsBufferPool.DEFAULT_BUFFER_SIZE, 8, false);
        SSLEngine clientEngine = clientEngine("TLSv1.2");
        InMemoryLink link = new InMemoryLink(new TlsCodec(clientEngine, pool), TestTls.ec().serverCodec(pool),
                InMemoryLink.WHOLE).handshake();

        clientEngine.beginHandshake(); // the client starts over on the established connection
        link.clientWrites(new byte[0]); // its codec sends the new ClientHello
        TlsException e = assertThrows(TlsException.class, link::pump);

        assertEquals(TlsException.Kind.RENEGOTIATION_REFUSED, e.kind());
        byte[] answer = e.alertBytes();
        assertTrue(answer.length > 5, "a close_notify goes back");
        assertEquals(ALERT, answer[0], "an alert record, no ServerHello");
        assertEquals(answer.length, 5 + ((answer[3] & 0xff) << 8 | (answer[4] & 0xff)), "one record only");
        assertEquals(1, link.serverFinished);
        assertEquals(pool.allocations(), pool.freeCount(), "buffers returned after the refusal");
    }

    @Test
    void tls13KeyUpdatesAreNotRenegotiations() throws Exception {
        TlsBufferPool pool = new TlsBufferPool(TlsBufferPool.DEFAULT_BUFFER_SIZE, 8, false);
        SSLEngine clientEngine = clientEngine("TLSv1.3");
        InMemoryLink link = new InMemoryLink(new TlsCodec(clientEngine, pool), TestTls.ec().serverCodec(pool),
                InMemoryLink.WHOLE).handshake();

        clientEngine.beginHandshake(); // on TLS 1.3 the JDK sends a KeyUpdate instead
        link.clientWrites(PING);
        link.pump();
        link.serverWrites(PING);
        link.pump();

        assertArrayEquals(PING, link.serverReceived.toByteArray());
        assertArrayEquals(PING, link.clientReceived.toByteArray());
    }

    /** A client engine the test keeps a hand on, to start a handshake again after the first. */
    private static SSLEngine clientEngine(String protocol) throws Exception {
        SSLEngine engine = TestTls.ec().client().createSSLEngine();
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {protocol});
        return engine;
    }

    private static byte[] roundTrip(SSLSocket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(PING);
        out.flush();
        byte[] echoed = new byte[PING.length];
        InputStream in = socket.getInputStream();
        int first = in.read();
        if (first < 0) return null;
        echoed[0] = (byte) first;
        new DataInputStream(in).readFully(echoed, 1, echoed.length - 1);
        return echoed;
    }

    /** What a client call ended with: -1 for end of stream, the exception it threw, or its result. */
    private static Object outcome(IoCall call) {
        try {
            byte[] r = call.run();
            return r == null ? Integer.valueOf(-1) : r;
        } catch (IOException e) {
            return e;
        }
    }

    private interface IoCall {
        byte[] run() throws IOException;
    }

    /** Echoes plaintext over a plain socket with the codec doing TLS; ends with the codec's exception, if any. */
    private static Object echoUntilFailure(ServerSocket listener, TestTls.Keys keys) {
        try (Socket socket = listener.accept()) {
            socket.setSoTimeout(10_000);
            TlsCodec codec = keys.serverCodec(TlsBufferPool.shared());
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) >= 0) {
                TlsCodec.Result r;
                try {
                    r = codec.unwrap(buf, 0, n);
                } catch (TlsException e) {
                    out.write(e.alertBytes());
                    return e;
                }
                out.write(r.netOut());
                if (r.appOut().length > 0) out.write(codec.wrap(r.appOut(), 0, r.appOut().length).netOut());
                out.flush();
                if (r.inboundClosed()) return "closed by the client";
            }
            return "end of stream";
        } catch (IOException | TlsException e) {
            return new IllegalStateException(e);
        }
    }
}
