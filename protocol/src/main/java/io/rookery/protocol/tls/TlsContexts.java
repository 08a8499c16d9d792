package io.rookery.protocol.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * SSLContexts and engines configured the one way Rookery serves TLS: 1.3 and 1.2, AEAD cipher suites with forward
 * secrecy only, no client certificates.
 */
public final class TlsContexts {
    /** In order of preference; everything older is refused (RFC 8996). */
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * In order of preference: the TLS 1.3 suites, then TLS 1.2 with ECDHE and an AEAD cipher (RFC 9325 §4.2). The
     * JDK's defaults also enable CBC suites (MAC-then-encrypt, with HMAC-SHA1 or SHA-2: padding oracles such as
     * Lucky13) and static-RSA or DHE key exchange. TLS 1.2 clients an XMPP server meets today offer ECDHE with GCM or
     * ChaCha20, so nothing else is offered.
     */
    static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384",
            "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private TlsContexts() {}

    /**
     * A server context with the key and certificate chain of a PKCS#12 keystore (the store password doubles as the key
     * password, as keytool and openssl write them). The protocol restriction lives in {@link #serverEngine}: an
     * SSLContext cannot narrow its own defaults.
     */
    public static SSLContext serverContext(Path pkcs12, char[] password) throws IOException, GeneralSecurityException {
        return context(pkcs12, password, null);
    }

    /**
     * As {@link #serverContext}, with these trust managers deciding about the peer's certificates (server-to-server
     * streams, where both sides present one; RFC 6120 §13.7.2).
     */
    public static SSLContext context(Path pkcs12, char[] password, javax.net.ssl.TrustManager[] trust)
            throws IOException, GeneralSecurityException {
        KeyStore ks = load(pkcs12, password);
        // PKIX (NewSunX509) picks the key that matches the negotiated signature scheme; SunX509 takes the first.
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, password);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), trust, null);
        return ctx;
    }

    /**
     * An engine for a server-to-server stream: as {@link #serverEngine} in the receiving role, but asking for the
     * peer's certificate (without requiring one: a peer without a usable certificate may still use dialback); in the
     * initiating role a client engine naming {@code peerDomain} in SNI (RFC 6066), so a server hosting several
     * domains presents the right certificate.
     */
    public static SSLEngine serverToServerEngine(SSLContext ctx, boolean initiating, String peerDomain) {
        SSLEngine engine = initiating ? ctx.createSSLEngine(peerDomain, 0) : ctx.createSSLEngine();
        engine.setUseClientMode(initiating);
        SSLParameters p = restricted(engine);
        if (initiating) {
            try {
                p.setServerNames(List.of(new javax.net.ssl.SNIHostName(peerDomain)));
            } catch (IllegalArgumentException e) {
                // Not a host name SNI can carry (an IP literal): no SNI.
            }
        } else {
            p.setWantClientAuth(true);
        }
        engine.setSSLParameters(p);
        return engine;
    }

    /**
     * A server-mode engine: TLSv1.3 and TLSv1.2 only, {@link #CIPHER_SUITES} only and in that order, no client
     * authentication, no ALPN.
     */
    public static SSLEngine serverEngine(SSLContext ctx) {
        SSLEngine engine = ctx.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters p = restricted(engine);
        p.setNeedClientAuth(false);
        p.setWantClientAuth(false);
        engine.setSSLParameters(p);
        return engine;
    }

    /** The engine's parameters narrowed to {@link #PROTOCOLS} and {@link #CIPHER_SUITES}, in our order. */
    private static SSLParameters restricted(SSLEngine engine) {
        SSLParameters p = engine.getSSLParameters();
        List<String> supported = List.of(engine.getSupportedProtocols());
        p.setProtocols(PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new));
        List<String> suites = List.of(engine.getSupportedCipherSuites());
        p.setCipherSuites(CIPHER_SUITES.stream().filter(suites::contains).toArray(String[]::new));
        p.setUseCipherSuitesOrder(true);
        return p;
    }

    /** A client context that trusts exactly the certificates in a PKCS#12 keystore (for tests and tools). */
    public static SSLContext clientContextTrusting(Path pkcs12, char[] password)
            throws IOException, GeneralSecurityException {
        KeyStore source = load(pkcs12, password);
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        List<String> aliases = new ArrayList<>(Collections.list(source.aliases()));
        for (String alias : aliases) {
            Certificate cert = source.getCertificate(alias);
            if (cert != null) trust.setCertificateEntry(alias, cert);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static KeyStore load(Path pkcs12, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pkcs12)) {
            ks.load(in, password);
        }
        return ks;
    }
}
