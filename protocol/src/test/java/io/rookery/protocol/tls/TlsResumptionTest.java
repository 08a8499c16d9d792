package io.rookery.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/** The channel binding must survive resumption: a resumed handshake sends no Certificate, yet the binding holds. */
class TlsResumptionTest {
    private static final int PRE_SHARED_KEY = 41;

    @Test
    void aResumedTls13SessionStillBindsToTheServerCertificate() throws Exception {
        SSLContext client = freshClientContext();

        Connection full = connect(client, "TLSv1.3");
        Connection resumed = connect(client, "TLSv1.3");

        assertFalse(serverHelloExtensions(full.serverFlight).contains(PRE_SHARED_KEY));
        assertTrue(serverHelloExtensions(resumed.serverFlight).contains(PRE_SHARED_KEY), "PSK resumption");
        assertArrayEquals(expectedBinding(), resumed.server.tlsServerEndPoint());
        assertArrayEquals(expectedBinding(), resumed.client.tlsServerEndPoint());
    }

    @Test
    void aResumedTls12SessionStillBindsToTheServerCertificate() throws Exception {
        SSLContext client = freshClientContext();

        Connection full = connect(client, "TLSv1.2");
        Connection resumed = connect(client, "TLSv1.2");

        assertArrayEquals(full.server.session().getId(), resumed.server.session().getId(), "session resumed");
        assertArrayEquals(expectedBinding(), resumed.server.tlsServerEndPoint());
        assertArrayEquals(expectedBinding(), resumed.client.tlsServerEndPoint());
    }

    record Connection(TlsCodec client, TlsCodec server, byte[] serverFlight) {}

    /** A client context of its own, so that its session cache holds only this test's session. */
    private static SSLContext freshClientContext() throws Exception {
        return TlsContexts.clientContextTrusting(TestTls.ec().keystore(), TestTls.PASSWORD);
    }

    private static byte[] expectedBinding() throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(TestTls.ec().certificate().getEncoded());
    }

    private static Connection connect(SSLContext clientContext, String protocol) throws Exception {
        SSLEngine engine = clientContext.createSSLEngine("localhost", 5222); // host and port key the client cache
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {protocol});
        TlsCodec client = new TlsCodec(engine, TlsBufferPool.shared());
        TlsCodec server = TestTls.ec().serverCodec(TlsBufferPool.shared());
        TlsCodec.Result hello = client.wrap(new byte[0], 0, 0);
        TlsCodec.Result flight = server.unwrap(hello.netOut(), 0, hello.netOut().length);
        InMemoryLink link = new InMemoryLink(client, server, InMemoryLink.WHOLE);
        link.serverWritesRaw(flight.netOut());
        link.pump();

        assertEquals(protocol, server.session().getProtocol());
        assertTrue(server.handshakeComplete() && client.handshakeComplete());
        return new Connection(client, server, flight.netOut());
    }

    /** Extension types of the ServerHello that opens the server's first flight (always plaintext). */
    private static Set<Integer> serverHelloExtensions(byte[] flight) {
        ByteBuffer b = ByteBuffer.wrap(flight);
        assertEquals(22, b.get()); // handshake record
        b.position(5);
        assertEquals(2, b.get()); // server_hello
        b.position(b.position() + 3 + 2 + 32); // length, legacy_version, random
        int sessionIdLength = b.get() & 0xff;
        b.position(b.position() + sessionIdLength); // legacy_session_id_echo
        b.position(b.position() + 3); // cipher_suite, legacy_compression_method
        int end = (b.getShort() & 0xffff) + b.position();
        Set<Integer> types = new HashSet<>();
        while (b.position() < end) {
            types.add(b.getShort() & 0xffff);
            int length = b.getShort() & 0xffff;
            b.position(b.position() + length);
        }
        return types;
    }
}
