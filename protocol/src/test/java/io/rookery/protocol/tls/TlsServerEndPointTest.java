package io.rookery.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlsServerEndPointTest {
    private final TlsBufferPool pool = TlsBufferPool.shared();

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void isTheSha256OfTheCertificateOnBothSidesForAnEcdsaSha256Certificate(String protocol) throws Exception {
        TestTls.Keys keys = TestTls.ec();
        X509Certificate cert = keys.certificate();
        InMemoryLink link = new InMemoryLink(keys.clientCodec(pool, protocol), keys.serverCodec(pool),
                InMemoryLink.WHOLE);
        assertNull(link.server.tlsServerEndPoint(), "no binding before the handshake");

        link.handshake();

        byte[] expected = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
        assertArrayEquals(expected, link.server.tlsServerEndPoint());
        assertArrayEquals(expected, link.client.tlsServerEndPoint());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void usesSha384ForACertificateSignedWithSha384(String protocol) throws Exception {
        TestTls.Keys keys = TestTls.rsaSha384();
        X509Certificate cert = keys.certificate();
        assertEquals("SHA384withRSA", cert.getSigAlgName());
        InMemoryLink link = new InMemoryLink(keys.clientCodec(pool, protocol), keys.serverCodec(pool),
                InMemoryLink.WHOLE).handshake();

        byte[] expected = MessageDigest.getInstance("SHA-384").digest(cert.getEncoded());
        assertArrayEquals(expected, link.server.tlsServerEndPoint());
        assertArrayEquals(expected, link.client.tlsServerEndPoint());
    }
}
