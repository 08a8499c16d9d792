package io.rookery.node.s2s;

import io.rookery.protocol.tls.CertificateNames;
import io.rookery.protocol.tls.TlsContexts;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS between servers. The handshake accepts any certificate the peer shows (a peer whose certificate does not
 * authenticate it may still prove its domain with dialback, RFC 6120 §13.7.2.3); {@link #authenticates} then decides,
 * after the handshake, whether the certificate chains to a trusted authority (PKIX, {@code rookery.s2s.trust-store} or
 * the JDK's authorities) and names the domain (RFC 6125), as Prosody and ejabberd decide.
 */
final class S2sTls {
    private final SSLContext context;
    private final X509TrustManager pkix;

    S2sTls(Path keystore, char[] keystorePassword, S2sSettings settings) throws Exception {
        this.context = TlsContexts.context(keystore, keystorePassword, new TrustManager[] {new Deferred()});
        KeyStore anchors = null;
        if (!settings.trustStore().isEmpty()) {
            anchors = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(Path.of(settings.trustStore()))) {
                anchors.load(in, settings.trustStorePassword().toCharArray());
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(anchors);
        X509TrustManager found = null;
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) found = x;
        }
        this.pkix = found;
    }

    SSLEngine engine(boolean initiating, String peerDomain) {
        return TlsContexts.serverToServerEngine(context, initiating, peerDomain);
    }

    /**
     * Whether the peer's certificate chain is trusted and names {@code domain}.
     */
    boolean authenticates(SSLSession session, String domain) {
        if (session == null || domain == null) return false;
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) return false;
        X509Certificate[] x509 = new X509Certificate[chain.length];
        for (int i = 0; i < chain.length; i++) {
            if (!(chain[i] instanceof X509Certificate c)) return false;
            x509[i] = c;
        }
        try {
            String auth = leaf.getPublicKey().getAlgorithm();
            // Checked as a server certificate in both roles, which is what a peer server shows: the clientAuth
            // extended key usage a client check would demand is missing from many servers' certificates (public
            // authorities stopped issuing it in 2025), and Prosody and ejabberd do not ask for it either.
            pkix.checkServerTrusted(x509, "EC".equals(auth) ? "ECDHE_ECDSA" : "ECDHE_RSA");
        } catch (CertificateException | RuntimeException e) {
            return false;
        }
        return CertificateNames.matches(leaf, domain);
    }

    /** Accepts every chain during the handshake; the decision is {@link #authenticates}'. */
    private static final class Deferred extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
