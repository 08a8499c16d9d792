package io.rookery.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * What one idle TLS connection keeps on the server, measured on the object graph (JOL): everything reachable from a
 * server codec after a TLSv1.3 handshake and one record each way, less what it shares with the other connections
 * (the SSLContext with its key and certificate, the buffer pool, JDK-wide tables). The footprint is printed (the
 * figure docs/benchmarks.md quotes for STARTTLS sessions); the test holds what the codec promises: between records a
 * connection keeps no network or application buffer, since those are lent by the pool for the length of one call.
 */
class TlsIdleFootprintTest {
    static {
        // The graph can reach a JDK cleaner's lambda (a hidden class), whose field offsets Unsafe refuses to give;
        // JOL's own way of finding offsets works for those too. Set before JOL's first use (this is its only test).
        System.setProperty("jol.magicFieldOffset", "true");
    }

    /** Far below a TLS record buffer (16,709 bytes), far above any key, IV or handshake transcript. */
    private static final long LARGEST_ARRAY_KEPT = 2_048;

    @Test
    void anIdleConnectionKeepsNoBufferOnlyItsSessionAndCipherState() throws Exception {
        TestTls.Keys keys = TestTls.ec();
        TlsBufferPool pool = new TlsBufferPool(TlsBufferPool.DEFAULT_BUFFER_SIZE, 16, false);
        TlsCodec first = connected(keys, pool);
        TlsCodec server = connected(keys, pool);

        GraphLayout own = GraphLayout.parseInstance(server)
                .subtract(GraphLayout.parseInstance(first, keys.server(), pool));
        System.out.println("One idle server TLS connection (TLSv1.3, " + server.session().getCipherSuite() + "):\n"
                + own.toFootprint());

        List<String> large = new ArrayList<>();
        for (long address : own.addresses()) {
            var record = own.record(address);
            if (record.klass().isArray() && record.size() > LARGEST_ARRAY_KEPT) {
                large.add(record.klass().getSimpleName() + " of " + record.size() + " bytes");
            }
        }
        assertEquals(List.of(), large, "arrays an idle connection keeps");
        assertTrue(own.totalSize() > 0 && own.totalSize() < TlsBufferPool.DEFAULT_BUFFER_SIZE,
                "an idle connection keeps " + own.totalSize() + " bytes");
    }

    /** A server codec after a full handshake with a fresh client and one stanza each way. */
    private static TlsCodec connected(TestTls.Keys keys, TlsBufferPool pool) throws Exception {
        TlsCodec server = keys.serverCodec(pool);
        TlsCodec client = keys.clientCodec(pool);
        byte[] toServer = client.wrap(new byte[0], 0, 0).netOut();
        for (int round = 0; round < 10 && !(server.handshakeComplete() && client.handshakeComplete()); round++) {
            byte[] toClient = server.unwrap(toServer, 0, toServer.length).netOut();
            toServer = client.unwrap(toClient, 0, toClient.length).netOut();
        }
        assertTrue(server.handshakeComplete() && client.handshakeComplete(), "handshake did not finish");
        assertEquals("TLSv1.3", server.session().getProtocol());

        byte[] presence = "<presence/>".getBytes(StandardCharsets.UTF_8);
        byte[] record = client.wrap(presence, 0, presence.length).netOut();
        assertArrayEquals(presence, server.unwrap(record, 0, record.length).appOut());
        byte[] reply = "<presence from='a@b/c'/>".getBytes(StandardCharsets.UTF_8);
        byte[] back = server.wrap(reply, 0, reply.length).netOut();
        assertArrayEquals(reply, client.unwrap(back, 0, back.length).appOut());
        return server;
    }
}
