package io.rookery.node.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A bare socket speaking literal XML, for the inputs no well-behaved client library would send. */
final class RawClient implements AutoCloseable {
    static final String HEADER = "<?xml version='1.0'?><stream:stream to='localhost' version='1.0' "
            + "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private boolean eof;

    RawClient(int port) throws IOException {
        this("127.0.0.1", port);
    }

    /** A client whose socket is bound to this local address first: 127.0.0.2 is a second loopback source. */
    RawClient(String localAddress, int port) throws IOException {
        this(localAddress, port, 0);
    }

    /** A client with a receive buffer of this size (0: the system's), so that a client that stops reading fills the
     * path from the server sooner. */
    RawClient(String localAddress, int port, int receiveBufferBytes) throws IOException {
        socket = new Socket();
        if (receiveBufferBytes > 0) socket.setReceiveBufferSize(receiveBufferBytes);
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(200);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** A client over a socket connected already (TLS from the first byte: XEP-0368 direct TLS). */
    RawClient(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(200);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** A client of the node's direct-TLS listener, trusting its development certificate. */
    static RawClient directTls(io.rookery.node.RookeryNode node) throws Exception {
        javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) ItEnvironment.trustingContext(node).getSocketFactory()
                .createSocket("127.0.0.1", node.directTlsPort());
        tls.startHandshake();
        return new RawClient(tls);
    }

    RawClient send(String xml) throws IOException {
        return send(xml.getBytes(StandardCharsets.UTF_8));
    }

    RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads until the text received so far contains the needle, or fails after the timeout. */
    String await(String needle, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!text().contains(needle)) {
            if (eof) throw new AssertionError("connection closed before '" + needle + "'; got: " + text());
            if (System.nanoTime() > deadline) throw new AssertionError("no '" + needle + "' in: " + text());
            readSome();
        }
        return text();
    }

    /** Reads until the text received so far passes the test, or fails after the timeout. */
    String awaitUntil(java.util.function.Predicate<String> done, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(text())) {
            if (eof) throw new AssertionError("connection closed; got: " + text());
            if (System.nanoTime() > deadline) throw new AssertionError("not there yet: " + text());
            readSome();
        }
        return text();
    }

    /** Reads until the text received so far holds the needle n times, or fails after the timeout. */
    String awaitCount(String needle, int n, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count(text(), needle) < n) {
            if (eof) throw new AssertionError("connection closed before " + n + " x '" + needle + "'; got: " + text());
            if (System.nanoTime() > deadline) throw new AssertionError(n + " x '" + needle + "' not in: " + text());
            readSome();
        }
        return text();
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) n++;
        return n;
    }

    /** Reads until the server closes the connection; returns all text received. */
    String awaitClose(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!eof) {
            if (System.nanoTime() > deadline) throw new AssertionError("connection still open; got: " + text());
            readSome();
        }
        return text();
    }

    /** The server closed the connection (as far as read so far). */
    boolean closed() {
        return eof;
    }

    /** Reads what has arrived, waiting at most the socket's 200 ms; returns all text received so far. */
    String readAvailable() throws IOException {
        if (!eof) readSome();
        return text();
    }

    private void readSome() throws IOException {
        byte[] buf = new byte[8192];
        try {
            int n = in.read(buf);
            if (n < 0) eof = true;
            else received.write(buf, 0, n);
        } catch (SocketTimeoutException e) {
            // poll again
        } catch (IOException e) {
            eof = true; // reset by peer counts as closed
        }
    }

    String text() {
        return received.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
