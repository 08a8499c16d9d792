package io.rookery.loadtest;

import io.rookery.protocol.tls.TlsContexts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/** A self-signed EC certificate for localhost, made once per test run by the JDK's keytool under the build folder. */
final class TestCertificate {
    private static final String PASSWORD = "loadtest-test";
    private static SSLContext server;

    private TestCertificate() {}

    static synchronized SSLContext serverContext() throws Exception {
        if (server != null) return server;
        Path dir = Path.of(TestCertificate.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getParent().resolve("loadtest-test-certs");
        Files.createDirectories(dir);
        Path keystore = dir.resolve("server.p12");
        Files.deleteIfExists(keystore);
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg",
                "SHA256withECDSA", "-dname", "CN=localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt"))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException(output);
        server = TlsContexts.serverContext(keystore, PASSWORD.toCharArray());
        return server;
    }
}
