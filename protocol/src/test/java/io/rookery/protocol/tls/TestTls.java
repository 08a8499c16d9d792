package io.rookery.protocol.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/** Test keystores made by the JDK's keytool under the build folder, and codecs built on them. */
final class TestTls {
    static final char[] PASSWORD = "rookery-test".toCharArray();

    /** A test keystore with its server and client contexts. */
    record Keys(Path keystore, SSLContext server, SSLContext client) {
        X509Certificate certificate() throws IOException, GeneralSecurityException {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                ks.load(in, PASSWORD);
            }
            return (X509Certificate) ks.getCertificate("rookery");
        }

        TlsCodec serverCodec(TlsBufferPool pool) {
            return new TlsCodec(TlsContexts.serverEngine(server), pool);
        }

        /** A client codec; with protocols given, only those are enabled (e.g. to force TLSv1.2). */
        TlsCodec clientCodec(TlsBufferPool pool, String... protocols) {
            SSLEngine engine = client.createSSLEngine(); // no peer host: never resumes, every handshake is full
            engine.setUseClientMode(true);
            if (protocols.length > 0) engine.setEnabledProtocols(protocols);
            return new TlsCodec(engine, pool);
        }
    }

    private static Keys ec;
    private static Keys rsa384;

    private TestTls() {}

    /** EC P-256 key, certificate signed with SHA256withECDSA. */
    static synchronized Keys ec() throws Exception {
        if (ec == null) ec = keys("ec-p256", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA");
        return ec;
    }

    /** RSA 2048 key, certificate signed with SHA384withRSA (its channel binding uses SHA-384). */
    static synchronized Keys rsaSha384() throws Exception {
        if (rsa384 == null) {
            rsa384 = keys("rsa-sha384", "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA384withRSA");
        }
        return rsa384;
    }

    private static Keys keys(String name, String... algorithm) throws Exception {
        Path keystore = generate(name, algorithm);
        return new Keys(keystore, TlsContexts.serverContext(keystore, PASSWORD),
                TlsContexts.clientContextTrusting(keystore, PASSWORD));
    }

    private static Path generate(String name, String... algorithm) throws Exception {
        Path dir = buildDir().resolve("tls-test-certs");
        Files.createDirectories(dir);
        Path keystore = dir.resolve(name + ".p12");
        Files.deleteIfExists(keystore);
        String password = new String(PASSWORD);
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias",
                "rookery"));
        cmd.addAll(List.of(algorithm));
        cmd.addAll(List.of("-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", password, "-keypass",
                password, "-noprompt"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        return keystore;
    }

    /** target-NAME/, the parent of test-classes. */
    private static Path buildDir() throws URISyntaxException {
        return Path.of(TestTls.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
    }
}
