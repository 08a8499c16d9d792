package io.rookery.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlsCipherSuitesTest {
    private final TlsBufferPool pool = new TlsBufferPool(TlsBufferPool.DEFAULT_BUFFER_SIZE, 8, false);

    @Test
    void theServerEnablesNoCbcAndNoSha1Suite() throws Exception {
        List<String> enabled = List.of(TlsContexts.serverEngine(TestTls.ec().server()).getEnabledCipherSuites());

        assertFalse(enabled.isEmpty());
        for (String suite : enabled) {
            assertFalse(suite.contains("_CBC_"), suite);
            assertFalse(suite.endsWith("_SHA"), suite + " uses HMAC-SHA1");
            assertTrue(suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_"), suite + " is not AEAD");
            assertTrue(suite.startsWith("TLS_ECDHE_") || !suite.contains("_WITH_"), suite + " lacks forward secrecy");
        }
        assertTrue(enabled.containsAll(List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")),
                enabled::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"})
    void aTls12ClientOfferingOnlyACbcSuiteCannotConnect(String suite) throws Exception {
        InMemoryLink link = new InMemoryLink(client("TLSv1.2", suite), TestTls.ec().serverCodec(pool),
                InMemoryLink.WHOLE);

        TlsException e = assertThrows(TlsException.class, link::handshake);

        assertEquals(0, link.serverFinished);
        assertEquals(0, link.clientFinished);
        assertEquals(TlsException.Kind.FAILURE, e.kind());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"})
    void aTls12ClientOfferingOneAeadSuiteConnectsWithIt(String suite) throws Exception {
        InMemoryLink link = new InMemoryLink(client("TLSv1.2", suite), TestTls.ec().serverCodec(pool),
                InMemoryLink.WHOLE).handshake();

        assertEquals(1, link.serverFinished);
        assertEquals(suite, link.server.session().getCipherSuite());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"})
    void everyTls13SuiteStillConnects(String suite) throws Exception {
        InMemoryLink link = new InMemoryLink(client("TLSv1.3", suite), TestTls.ec().serverCodec(pool),
                InMemoryLink.WHOLE).handshake();

        assertEquals(suite, link.server.session().getCipherSuite());
    }

    @Test
    void anRsaCertificateIsServedWithEcdheRsaGcm() throws Exception {
        InMemoryLink link = new InMemoryLink(TestTls.rsaSha384().clientCodec(pool, "TLSv1.2"),
                TestTls.rsaSha384().serverCodec(pool), InMemoryLink.WHOLE).handshake();

        String suite = link.server.session().getCipherSuite();
        assertTrue(suite.startsWith("TLS_ECDHE_RSA_WITH_") && suite.contains("_GCM_"), suite);
    }

    private static TlsCodec client(String protocol, String suite) throws Exception {
        SSLEngine engine = TestTls.ec().client().createSSLEngine();
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {protocol});
        engine.setEnabledCipherSuites(new String[] {suite});
        return new TlsCodec(engine, TlsBufferPool.shared());
    }
}
