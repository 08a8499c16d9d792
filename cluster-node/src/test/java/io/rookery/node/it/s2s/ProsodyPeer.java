package io.rookery.node.it.s2s;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Debian's Prosody (0.12) as a federation peer: {@code prosody -F} with its own configuration, data, pid and logs in
 * {@link #dir()}, running as the caller ({@code run_as_root}: otherwise it switches to the prosody user when started
 * by root). Clients connect with STARTTLS (required) on {@link #c2sPort()}; other servers on {@link #s2sPort()}.
 *
 * <p>Resolution: libunbound (Debian package lua-unbound; without it Prosody falls back to its own resolver, which
 * reads /etc/resolv.conf only) forwarding to {@link TestDns}: {@code unbound = { resolvconf = false; hoststxt = false;
 * forward = "127.0.0.1@PORT"; options = { ["local-zone:"] = "test. transparent" } }} (libunbound otherwise answers
 * NXDOMAIN for every name under {@code test.} itself, an RFC 6761 default local zone). Trust: {@code ssl.cafile}
 * = the {@link TestCa} (or the system store when {@link #trustCa(boolean)} is off).
 *
 * <p>Authentication of other servers: {@code s2s_secure_auth = true} ({@link #secureAuth(boolean)}) requires a valid
 * certificate (SASL EXTERNAL, or dialback that Prosody then does not need to verify); false accepts XEP-0220
 * dialback from a server whose certificate does not verify. {@link #dialback(boolean)} off puts mod_dialback in
 * {@code modules_disabled}. Encryption is always required ({@code s2s_require_encryption = true}).
 */
public final class ProsodyPeer extends FederationPeer {
    /** "debug" shows every s2s step (stream features, dialback, SASL EXTERNAL) in {@link #logFile()}. */
    private String logLevel = "debug";

    public ProsodyPeer(Path dir, String domain, TestCa ca, TestDns dns) throws Exception {
        super(dir, domain, ca, dns);
    }

    public ProsodyPeer logLevel(String level) {
        this.logLevel = level;
        return this;
    }

    public Path config() {
        return dir.resolve("prosody.cfg.lua");
    }

    @Override
    public Path logFile() {
        return dir.resolve("prosody.log");
    }

    @Override
    protected List<Path> logFiles() {
        return List.of(dir.resolve("console.log"), logFile());
    }

    @Override
    protected void writeConfig() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("certs")); // Prosody indexes it (an error in its log when missing)
        String ssl = "{\n"
                + "\tcertificate = " + q(certificate.chainPem()) + ";\n"
                + "\tkey = " + q(certificate.keyPem()) + ";\n"
                + (trustCa ? "\tcafile = " + q(ca.caPem()) + ";\n" : "")
                + "}";
        String cfg = "-- Written by " + getClass().getName() + " for a federation test.\n"
                + "run_as_root = true\n"
                + "pidfile = " + q(dir.resolve("prosody.pid")) + "\n"
                + "data_path = " + q(dir.resolve("data")) + "\n"
                + "log = { { levels = { min = " + q(logLevel) + " }, to = \"file\", filename = " + q(logFile())
                + " } }\n"
                + "network_backend = \"epoll\"\n"
                + "interfaces = { \"127.0.0.1\" }\n"
                + "c2s_ports = { " + c2sPort + " }\n"
                + "c2s_interfaces = { \"127.0.0.1\" }\n"
                + "s2s_ports = { " + s2sPort + " }\n"
                + "s2s_interfaces = { \"127.0.0.1\" }\n"
                // Nothing else may listen: the defaults (5269, 5280, 5281, 5347, 5000) may be held by others.
                + "c2s_direct_tls_ports = { }\n"
                + "s2s_direct_tls_ports = { }\n"
                + "http_ports = { }\nhttps_ports = { }\ncomponent_ports = { }\nproxy65_ports = { }\n"
                + "modules_enabled = {\n"
                + "\t\"roster\"; \"saslauth\"; \"tls\"; \"disco\"; \"ping\";\n"
                + (dialback ? "\t\"dialback\";\n" : "")
                + "}\n"
                + "modules_disabled = { " + (dialback ? "" : "\"dialback\"; ") + "\"s2s_bidi\" }\n"
                + "c2s_require_encryption = true\n"
                + "s2s_require_encryption = true\n"
                + "s2s_secure_auth = " + secureAuth + "\n"
                + "s2s_timeout = 20\n"
                + "allow_registration = false\n"
                + "authentication = \"internal_hashed\"\n"
                + "storage = \"internal\"\n"
                // libunbound answers NXDOMAIN for *.test itself (a default local zone) unless made transparent.
                + "unbound = { resolvconf = false; hoststxt = false; forward = " + q(dns.unboundForward()) + ";\n"
                + "\toptions = { [\"local-zone:\"] = \"test. transparent\" } }\n"
                + "ssl = " + ssl + "\n"
                + "\nVirtualHost " + q(domain) + "\n"
                + "\tssl = " + ssl.replace("\n\t", "\n\t\t") + "\n";
        Files.writeString(config(), cfg);
    }

    @Override
    protected Process launch() throws Exception {
        return new ProcessBuilder("prosody", "--config", config().toString(), "-F")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("console.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
    }

    @Override
    protected void gracefulStop() {
        process.destroy(); // SIGTERM: Prosody closes its streams and exits
    }

    /** {@code prosodyctl register} with this configuration (works whether the server runs or not). */
    @Override
    public void register(String user, String password) throws Exception {
        if (!Files.exists(config())) writeConfig();
        run(List.of("prosodyctl", "--config", config().toString(), "register", user, domain, password), Map.of(),
                dir, 60);
    }
}
