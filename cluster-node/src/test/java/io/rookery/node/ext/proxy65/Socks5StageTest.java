package io.rookery.node.ext.proxy65;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.protocol.xep.bytestreams.Bytestreams;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The proxy's SOCKS5 side over real loopback sockets: handshake, activation, relaying, refusals, the timeout. */
class Socks5StageTest {
    private static ActorTestKit kit;
    private static Pairings pairings;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        kit = ActorTestKit.create();
        pairings = new Pairings(5);
        Materializer mat = Materializer.matFromSystem(kit.system());
        var handler = Flow.fromGraph(new Socks5Stage(pairings, Duration.ofSeconds(2)));
        port = Tcp.get(kit.system()).bind("127.0.0.1", 0).to(Sink.foreach(c -> c.handleWith(handler, mat)))
                .run(mat).toCompletableFuture().get(10, TimeUnit.SECONDS).localAddress().getPort();
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    /** Greeting and CONNECT to the address; returns the socket with the success reply read and checked. */
    private static Socket connect(String address) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(5000);
        s.getOutputStream().write(new byte[] {5, 1, 0});
        DataInputStream in = new DataInputStream(s.getInputStream());
        assertArrayEquals(new byte[] {5, 0}, in.readNBytes(2), "no authentication");
        byte[] request = request(address);
        s.getOutputStream().write(request);
        byte[] reply = in.readNBytes(request.length);
        assertEquals(0, reply[1], "success");
        assertEquals(address, new String(reply, 5, address.length(), StandardCharsets.US_ASCII));
        return s;
    }

    /** RFC 1928 §4: CONNECT to a domain name (ATYP 3), port 0. */
    private static byte[] request(String address) {
        byte[] host = address.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[7 + host.length];
        request[0] = 5;
        request[1] = 1;
        request[3] = 3;
        request[4] = (byte) host.length;
        System.arraycopy(host, 0, request, 5, host.length);
        return request;
    }

    private static boolean closedByPeer(Socket s) throws IOException {
        try {
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    @Test
    void twoConnectionsOfAStreamAreJoinedOnActivationAndRelayBothWays() throws Exception {
        String address = Bytestreams.address("sid1", "alice@localhost/desk", "bob@localhost/phone");
        try (Socket target = connect(address); Socket requester = connect(address)) {
            assertTrue(pairings.activate(address));
            byte[] data = new byte[200_000];
            new Random(1).nextBytes(data);
            requester.getOutputStream().write(data);
            assertArrayEquals(data, target.getInputStream().readNBytes(data.length));
            target.getOutputStream().write("back".getBytes(StandardCharsets.US_ASCII));
            assertEquals("back", new String(requester.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
            // One side closes: the other is closed once what was sent is written.
            requester.getOutputStream().write("last".getBytes(StandardCharsets.US_ASCII));
            requester.shutdownOutput();
            assertEquals("last", new String(target.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
            assertTrue(closedByPeer(target));
        }
    }

    @Test
    void activationNeedsBothAndAThirdConnectionIsRefused() throws Exception {
        String address = Bytestreams.address("sid2", "alice@localhost/desk", "bob@localhost/phone");
        try (Socket first = connect(address)) {
            assertFalse(pairings.activate(address), "one connection: nothing to join");
            try (Socket second = connect(address); Socket third = new Socket("127.0.0.1", port)) {
                third.setSoTimeout(5000);
                third.getOutputStream().write(new byte[] {5, 1, 0});
                InputStream in = third.getInputStream();
                in.readNBytes(2);
                byte[] request = request(address);
                third.getOutputStream().write(request);
                assertEquals(2, in.readNBytes(request.length)[1], "connection not allowed by ruleset");
                assertTrue(closedByPeer(third));
                assertTrue(pairings.activate(address), "the first two are still joined");
            }
        }
    }

    @Test
    void badGreetingsAndUnactivatedConnectionsAreClosed() throws Exception {
        try (Socket socks4 = new Socket("127.0.0.1", port)) {
            socks4.setSoTimeout(5000);
            socks4.getOutputStream().write(new byte[] {4, 1, 0, 80, 127, 0, 0, 1, 0});
            assertTrue(closedByPeer(socks4), "not SOCKS5");
        }
        try (Socket withAuth = new Socket("127.0.0.1", port)) {
            withAuth.setSoTimeout(5000);
            withAuth.getOutputStream().write(new byte[] {5, 1, 2});
            assertArrayEquals(new byte[] {5, (byte) 0xff}, withAuth.getInputStream().readNBytes(2),
                    "no acceptable method");
            assertTrue(closedByPeer(withAuth));
        }
        String address = Bytestreams.address("sid3", "alice@localhost/desk", "bob@localhost/phone");
        long start = System.nanoTime();
        try (Socket waiting = connect(address)) {
            assertTrue(closedByPeer(waiting), "closed after the pending timeout");
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(1500), "not before it");
        }
        assertFalse(pairings.activate(address), "forgotten");
    }
}
