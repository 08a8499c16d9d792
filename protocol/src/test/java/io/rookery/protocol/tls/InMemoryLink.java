package io.rookery.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.function.IntUnaryOperator;

/**
 * A client codec and a server codec joined back to back in memory. Network bytes are delivered as one stream per
 * direction, cut by a chunker that knows nothing of record boundaries.
 */
final class InMemoryLink {
    static final IntUnaryOperator WHOLE = remaining -> remaining;
    static final IntUnaryOperator BYTE_BY_BYTE = remaining -> 1;

    /** Chunks of 1-64 bytes half the time, otherwise up to everything waiting. */
    static IntUnaryOperator random(long seed) {
        Random rnd = new Random(seed);
        return remaining -> 1 + rnd.nextInt(rnd.nextBoolean() ? Math.min(64, remaining) : remaining);
    }

    final TlsCodec client;
    final TlsCodec server;
    private final IntUnaryOperator chunker;
    private final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
    private final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
    final ByteArrayOutputStream serverReceived = new ByteArrayOutputStream();
    final ByteArrayOutputStream clientReceived = new ByteArrayOutputStream();
    int serverFinished;
    int clientFinished;
    boolean serverInboundClosed;
    boolean clientInboundClosed;

    InMemoryLink(TlsCodec client, TlsCodec server, IntUnaryOperator chunker) {
        this.client = client;
        this.server = server;
        this.chunker = chunker;
    }

    /** Starts the handshake (the client's first wrap sends the ClientHello) and runs it to the end. */
    InMemoryLink handshake() throws TlsException {
        clientWrites(new byte[0]);
        pump();
        return this;
    }

    void clientWrites(byte[] data) throws TlsException { take(client.wrap(data, 0, data.length), false); }

    void serverWrites(byte[] data) throws TlsException { take(server.wrap(data, 0, data.length), true); }

    /** Queues network bytes a test obtained from the server codec itself. */
    void serverWritesRaw(byte[] netBytes) { toClient.writeBytes(netBytes); }

    void clientCloses() throws TlsException { take(client.closeOutbound(), false); }

    void serverCloses() throws TlsException { take(server.closeOutbound(), true); }

    /** Delivers until neither side has anything more to send. */
    void pump() throws TlsException {
        while (toServer.size() > 0 || toClient.size() > 0) {
            byte[] up = toServer.toByteArray();
            toServer.reset();
            deliver(up, server, true);
            byte[] down = toClient.toByteArray();
            toClient.reset();
            deliver(down, client, false);
        }
    }

    private void deliver(byte[] bytes, TlsCodec to, boolean toServerSide) throws TlsException {
        int pos = 0;
        while (pos < bytes.length) {
            int n = Math.min(Math.max(1, chunker.applyAsInt(bytes.length - pos)), bytes.length - pos);
            take(to.unwrap(bytes, pos, n), toServerSide);
            pos += n;
        }
    }

    private void take(TlsCodec.Result r, boolean fromServerSide) {
        assertNotNull(r.appOut());
        assertNotNull(r.netOut());
        if (fromServerSide) {
            serverReceived.writeBytes(r.appOut());
            toClient.writeBytes(r.netOut());
            if (r.handshakeFinished()) serverFinished++;
            serverInboundClosed |= r.inboundClosed();
        } else {
            clientReceived.writeBytes(r.appOut());
            toServer.writeBytes(r.netOut());
            if (r.handshakeFinished()) clientFinished++;
            clientInboundClosed |= r.inboundClosed();
        }
    }
}
