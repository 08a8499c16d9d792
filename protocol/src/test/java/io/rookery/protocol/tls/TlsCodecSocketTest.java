package io.rookery.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A real JDK SSLSocket client against a codec driven over a plain loopback socket. */
class TlsCodecSocketTest {

    /** What the echo server saw. */
    record Seen(boolean handshakeFinished, boolean inboundClosed, String protocol, byte[] serverEndPoint) {}

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void echoesToAJdkSslSocketClient(String protocol) throws Exception {
        TestTls.Keys keys = TestTls.ec();
        byte[] payload = new byte[100_000];
        new Random(3).nextBytes(payload);
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Seen> server = CompletableFuture.supplyAsync(() -> echoOnce(listener, keys));

            byte[] clientBinding;
            try (SSLSocket socket = (SSLSocket) keys.client().getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                socket.setSoTimeout(10_000);
                socket.setEnabledProtocols(new String[] {protocol});
                socket.startHandshake();
                assertEquals(protocol, socket.getSession().getProtocol());
                clientBinding = MessageDigest.getInstance("SHA-256")
                        .digest(socket.getSession().getPeerCertificates()[0].getEncoded());

                OutputStream out = socket.getOutputStream();
                out.write(payload);
                out.flush();
                byte[] echoed = new byte[payload.length];
                new DataInputStream(socket.getInputStream()).readFully(echoed);
                assertArrayEquals(payload, echoed);
            }

            Seen seen = server.get(20, TimeUnit.SECONDS);
            assertTrue(seen.handshakeFinished());
            assertTrue(seen.inboundClosed(), "the client's close_notify reached the codec");
            assertEquals(protocol, seen.protocol());
            assertArrayEquals(clientBinding, seen.serverEndPoint());
        }
    }

    /** Accepts one connection and echoes its plaintext until close_notify, with nothing but the codec for TLS. */
    private static Seen echoOnce(ServerSocket listener, TestTls.Keys keys) {
        try (Socket socket = listener.accept()) {
            socket.setSoTimeout(10_000);
            TlsCodec codec = keys.serverCodec(TlsBufferPool.shared());
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buf = new byte[4096];
            boolean finished = false;
            int n;
            while ((n = in.read(buf)) >= 0) {
                TlsCodec.Result r = codec.unwrap(buf, 0, n);
                out.write(r.netOut());
                finished |= r.handshakeFinished();
                if (r.appOut().length > 0) out.write(codec.wrap(r.appOut(), 0, r.appOut().length).netOut());
                out.flush();
                if (r.inboundClosed()) {
                    out.write(codec.closeOutbound().netOut());
                    return new Seen(finished, true, codec.session().getProtocol(), codec.tlsServerEndPoint());
                }
            }
            return new Seen(finished, false, codec.session().getProtocol(), codec.tlsServerEndPoint());
        } catch (IOException | TlsException e) {
            throw new IllegalStateException(e);
        }
    }
}
