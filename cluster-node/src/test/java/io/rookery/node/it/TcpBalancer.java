package io.rookery.node.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A load balancer in front of the nodes, as clients meet it in production: one address (127.0.0.1 and a port of its
 * own) that forwards each new connection to the node it points at now, byte for byte (TLS passes through). Pointing it
 * elsewhere moves new connections only. A thread per direction per connection: a test tool for a handful of clients.
 */
final class TcpBalancer implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile int targetPort;
    /** What the nodes send is lost on the way (the client's network dropped it) while this is set. */
    private volatile boolean losingDownstream;

    TcpBalancer(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "balancer-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /**
     * From now on the bytes the nodes send are lost on the way to the clients (their connections stay open): what a
     * server wrote just before it died and the client never got.
     */
    void loseDownstream() {
        losingDownstream = true;
    }

    /** New connections go to this port from now on (and nothing is lost on the way any more). */
    void pointAt(int port) {
        targetPort = port;
        losingDownstream = false;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket node = new Socket();
                node.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
                open.add(client);
                open.add(node);
                pump(client, node, false);
                pump(node, client, true);
            } catch (IOException e) {
                if (server.isClosed()) return;
            }
        }
    }

    /** Copies one direction; the end of either closes both sockets, so each side sees the connection go. */
    private void pump(Socket from, Socket to, boolean downstream) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (downstream && losingDownstream) continue;
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // The connection ended (or was cut): both sides close below.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "balancer-pump");
        t.setDaemon(true);
        t.start();
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) closeQuietly(s);
    }
}
