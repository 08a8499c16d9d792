package io.rookery.persistence.cassandra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** Ports on 127.0.0.1, the only address the development node binds. */
final class LoopbackPorts {

    private static final String HOST = CassandraConfigFiles.HOST;

    private LoopbackPorts() {
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Replaces each 0 with a free loopback port (all distinct) and keeps -1 as "off". The sockets stay open until
     * all are picked so the same port is not handed out twice; another process may still take one before Cassandra
     * binds it, which then shows as a startup failure.
     */
    static int[] pickFree(int... requested) throws IOException {
        int[] result = requested.clone();
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < result.length; i++) {
                if (result[i] == 0) {
                    ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                    held.add(socket);
                    result[i] = socket.getLocalPort();
                }
            }
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
        return result;
    }
}
