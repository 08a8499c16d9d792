package io.rookery.protocol.tls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.IntUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TlsCodecExchangeTest {
    private static final byte[] HEADER =
            "<stream:stream to='example.com' xmlns='jabber:client' version='1.0'>".getBytes(UTF_8);
    private static final byte[] REPLY = "<stream:stream from='example.com' id='x1'><stream:features/>".getBytes(UTF_8);

    private final TlsBufferPool pool = new TlsBufferPool(TlsBufferPool.DEFAULT_BUFFER_SIZE, 8, false);

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void handshakesAndExchangesDataBothWays(String protocol) throws Exception {
        InMemoryLink link = link(protocol, InMemoryLink.WHOLE).handshake();

        assertTrue(link.server.handshakeComplete());
        assertTrue(link.client.handshakeComplete());
        assertEquals(1, link.serverFinished);
        assertEquals(1, link.clientFinished);
        assertEquals(protocol, link.server.session().getProtocol());
        assertEquals(protocol, link.client.session().getProtocol());
        exchange(link, HEADER, REPLY);
    }

    static Stream<Arguments> chunkings() {
        return Stream.of("TLSv1.3", "TLSv1.2").flatMap(protocol -> Stream.of(
                Arguments.of(protocol, "byte by byte", InMemoryLink.BYTE_BY_BYTE),
                Arguments.of(protocol, "random seed 1", InMemoryLink.random(1)),
                Arguments.of(protocol, "random seed 2", InMemoryLink.random(2)),
                Arguments.of(protocol, "random seed 3", InMemoryLink.random(3))));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("chunkings")
    void handshakesAndExchangesWhateverTheNetworkChunking(String protocol, String name, IntUnaryOperator chunker)
            throws Exception {
        InMemoryLink link = link(protocol, chunker).handshake();

        assertEquals(1, link.serverFinished);
        assertEquals(1, link.clientFinished);
        assertEquals(protocol, link.server.session().getProtocol());
        exchange(link, HEADER, REPLY);
        // several records in flight at once, delivered cut anywhere
        byte[] a = "<message>a</message>".getBytes(UTF_8);
        byte[] b = "<message>bb</message>".getBytes(UTF_8);
        link.clientWrites(a);
        link.clientWrites(b);
        link.clientWrites(a);
        link.pump();
        assertEquals("<message>a</message><message>bb</message><message>a</message>",
                link.serverReceived.toString(UTF_8));
    }

    static Stream<Arguments> largeTransfers() {
        return Stream.of("TLSv1.3", "TLSv1.2").flatMap(protocol -> Stream.of(
                Arguments.of(protocol, "whole", InMemoryLink.WHOLE),
                Arguments.of(protocol, "random seed 7", InMemoryLink.random(7))));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("largeTransfers")
    void carriesAMebibyteEachWay(String protocol, String name, IntUnaryOperator chunker) throws Exception {
        InMemoryLink link = link(protocol, chunker).handshake();
        Random rnd = new Random(42);
        byte[] up = new byte[1 << 20];
        byte[] down = new byte[(1 << 20) + 17];
        rnd.nextBytes(up);
        rnd.nextBytes(down);

        exchange(link, up, down);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void sendsPlaintextWrittenBeforeTheHandshakeOnceItFinishes(String protocol) throws Exception {
        InMemoryLink link = link(protocol, InMemoryLink.random(5));
        link.clientWrites(HEADER); // also starts the handshake
        link.pump();

        assertEquals(1, link.clientFinished);
        assertArrayEquals(HEADER, link.serverReceived.toByteArray());
    }

    @Test
    void serverHoldsItsEarlyPlaintextUntilTheHandshakeFinishes() throws Exception {
        TestTls.Keys keys = TestTls.ec();
        TlsCodec server = keys.serverCodec(pool);
        TlsCodec client = keys.clientCodec(pool);
        TlsCodec.Result hello = client.wrap(new byte[0], 0, 0);

        TlsCodec.Result serverFlight = server.unwrap(hello.netOut(), 0, hello.netOut().length);
        TlsCodec.Result early = server.wrap(REPLY, 0, REPLY.length);

        assertFalse(server.handshakeComplete());
        assertEquals(0, early.netOut().length);
        TlsCodec.Result clientAnswer = client.unwrap(serverFlight.netOut(), 0, serverFlight.netOut().length);
        TlsCodec.Result serverDone = server.unwrap(clientAnswer.netOut(), 0, clientAnswer.netOut().length);
        assertTrue(serverDone.handshakeFinished());
        TlsCodec.Result delivered = client.unwrap(serverDone.netOut(), 0, serverDone.netOut().length);
        assertArrayEquals(REPLY, delivered.appOut());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void reportsThePeersCloseNotifyAsInboundClosed(String protocol) throws Exception {
        InMemoryLink link = link(protocol, InMemoryLink.random(11)).handshake();
        exchange(link, HEADER, REPLY);

        link.clientCloses();
        link.pump();
        assertTrue(link.serverInboundClosed);

        link.serverCloses();
        link.pump();
        assertTrue(link.clientInboundClosed);
        byte[] late = new byte[] {23, 3, 3, 0, 1, 0};
        assertTrue(link.server.unwrap(late, 0, late.length).inboundClosed());
    }

    @Test
    void keepsNoBuffersBetweenCalls() throws Exception {
        InMemoryLink link = link("TLSv1.3", InMemoryLink.random(3)).handshake();
        exchange(link, HEADER, REPLY);

        assertEquals(0, link.server.retainedBytes());
        assertEquals(0, link.client.retainedBytes());
        // one call borrows at most three buffers, and every buffer came back
        assertTrue(pool.allocations() <= 3, "allocations " + pool.allocations());
        assertEquals(pool.allocations(), pool.freeCount());
    }

    @Test
    void keepsExactlyThePartialRecordBetweenCalls() throws Exception {
        TestTls.Keys keys = TestTls.ec();
        TlsCodec server = keys.serverCodec(pool);
        TlsCodec.Result hello = keys.clientCodec(pool).wrap(new byte[0], 0, 0);
        int half = hello.netOut().length / 2;

        TlsCodec.Result first = server.unwrap(hello.netOut(), 0, half);

        assertEquals(0, first.netOut().length);
        assertEquals(half, server.retainedBytes());
        TlsCodec.Result rest = server.unwrap(hello.netOut(), half, hello.netOut().length - half);
        assertTrue(rest.netOut().length > 0, "server flight");
        assertEquals(0, server.retainedBytes());
    }

    private InMemoryLink link(String protocol, IntUnaryOperator chunker) throws Exception {
        TestTls.Keys keys = TestTls.ec();
        return new InMemoryLink(keys.clientCodec(pool, protocol), keys.serverCodec(pool), chunker);
    }

    private static void exchange(InMemoryLink link, byte[] up, byte[] down) throws TlsException {
        link.serverReceived.reset();
        link.clientReceived.reset();
        link.clientWrites(up);
        link.serverWrites(down);
        link.pump();
        assertArrayEquals(up, link.serverReceived.toByteArray());
        assertArrayEquals(down, link.clientReceived.toByteArray());
        link.serverReceived.reset();
        link.clientReceived.reset();
    }
}
