package io.rookery.node.it.s2s;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian's ejabberd (23.01) as a federation peer: {@code ejabberdctl foreground} with its own configuration folder
 * ({@code --config-dir}: ejabberd.yml, ejabberdctl.cfg, inetrc), Mnesia spool, logs and Erlang cookie ({@code HOME})
 * in {@link #dir()}, a unique node name, and no epmd (the node listens for its control client on a free port,
 * {@code ERL_DIST_PORT}). As root, {@code EXEC_CMD=as_current_user} keeps it from switching to the ejabberd user.
 * Clients connect with STARTTLS (required) on {@link #c2sPort()}; other servers on {@link #s2sPort()}.
 *
 * <p>Resolution: ejabberdctl exports {@code ERL_INETRC=<config-dir>/inetrc}; that file names {@link TestDns} as the
 * only nameserver ({@code {nameserver, {127,0,0,1}, PORT}}, {@code {lookup, [file, dns]}}), which serves both the
 * {@code _xmpp-server._tcp} SRV lookup and the A lookup of its target. ejabberd falls back to the domain's A record
 * and port 5269 when the SRV lookup fails. Trust: {@code ca_file} = the {@link TestCa} (the system store when
 * {@link #trustCa(boolean)} is off).
 *
 * <p>Authentication of other servers: {@link #dialback(boolean)} loads mod_s2s_dialback or not; without it, an
 * incoming server must authenticate with SASL EXTERNAL (a certificate that verifies against {@code ca_file}), and
 * outgoing connections need the remote server to offer SASL EXTERNAL. {@link #secureAuth(boolean)} is the same switch
 * here, inverted (ejabberd has no separate "require certificates but keep dialback" setting): secure auth on means
 * no dialback module. STARTTLS is always required ({@code s2s_use_starttls: required}).
 */
public final class EjabberdPeer extends FederationPeer {
    private final int distPort;
    private final String node;
    private String logLevel = "info";

    public EjabberdPeer(Path dir, String domain, TestCa ca, TestDns dns) throws Exception {
        super(dir, domain, ca, dns);
        this.distPort = freePort();
        this.node = "rookeryfed" + distPort + "@localhost";
        this.dialback = true;
        this.secureAuth = false;
    }

    /** ejabberd's loglevel ("debug" shows each s2s stream's steps). */
    public EjabberdPeer logLevel(String level) {
        this.logLevel = level;
        return this;
    }

    @Override
    public EjabberdPeer secureAuth(boolean on) {
        this.secureAuth = on;
        this.dialback = !on;
        return this;
    }

    @Override
    public EjabberdPeer dialback(boolean on) {
        this.dialback = on;
        this.secureAuth = !on;
        return this;
    }

    public Path configDir() {
        return dir.resolve("etc");
    }

    @Override
    public Path logFile() {
        return dir.resolve("logs").resolve("ejabberd.log");
    }

    @Override
    protected List<Path> logFiles() {
        return List.of(dir.resolve("console.log"), dir.resolve("logs").resolve("error.log"), logFile());
    }

    @Override
    protected void writeConfig() throws Exception {
        Files.createDirectories(configDir());
        Files.createDirectories(dir.resolve("spool"));
        Files.createDirectories(dir.resolve("logs"));
        String yml = "# Written by " + getClass().getName() + " for a federation test.\n"
                + "hosts:\n  - " + q(domain) + "\n"
                + "loglevel: " + logLevel + "\n"
                + "log_rotate_count: 0\n"
                + "certfiles:\n  - " + q(certificate.bundlePem()) + "\n"
                + (trustCa ? "ca_file: " + q(ca.caPem()) + "\n" : "")
                + "s2s_use_starttls: required\n"
                + "s2s_dns_timeout: 3\n"
                + "s2s_dns_retries: 1\n"
                + "s2s_timeout: 20\n"
                + "listen:\n"
                + "  -\n    port: " + c2sPort + "\n    ip: \"127.0.0.1\"\n    module: ejabberd_c2s\n"
                + "    starttls: true\n    starttls_required: true\n    access: c2s\n"
                + "  -\n    port: " + s2sPort + "\n    ip: \"127.0.0.1\"\n    module: ejabberd_s2s_in\n"
                + "acl:\n  local:\n    user_regexp: \"\"\n"
                + "access_rules:\n  local:\n    allow: local\n  c2s:\n    allow: all\n  register:\n    deny: all\n"
                + "auth_method: internal\n"
                + "default_db: mnesia\n"
                + "modules:\n"
                + "  mod_roster: {}\n"
                + "  mod_offline: {}\n"
                + "  mod_disco: {}\n"
                + "  mod_ping: {}\n"
                + "  mod_caps: {}\n"
                + (dialback ? "  mod_s2s_dialback: {}\n" : "");
        Files.writeString(configDir().resolve("ejabberd.yml"), yml);
        String ctl = "# Written by " + getClass().getName() + " for a federation test.\n"
                + "ERLANG_NODE=" + node + "\n"
                + "ERL_DIST_PORT=" + distPort + "\n"
                + "INET_DIST_INTERFACE=127.0.0.1\n"
                + "ERL_OPTIONS=\"-env ERL_CRASH_DUMP_BYTES 0\"\n"
                + "EJABBERD_PID_PATH=" + dir.resolve("ejabberd.pid") + "\n"
                + "CONTRIB_MODULES_PATH=" + dir.resolve("contrib") + "\n"
                + "CONTRIB_MODULES_CONF_DIR=" + dir.resolve("contrib-conf") + "\n"
                // ejabberdctl switches to the 'ejabberd' user when started by root; this instance keeps the caller.
                + "EXEC_CMD=as_current_user\n";
        Files.writeString(configDir().resolve("ejabberdctl.cfg"), ctl);
        Files.writeString(configDir().resolve("inetrc"), dns.erlangInetrcLines());
    }

    private List<String> ctl(String... args) {
        List<String> c = new ArrayList<>(List.of("ejabberdctl", "--config-dir", configDir().toString(),
                "--ctl-config", configDir().resolve("ejabberdctl.cfg").toString(),
                "--config", configDir().resolve("ejabberd.yml").toString(),
                "--logs", dir.resolve("logs").toString(), "--spool", dir.resolve("spool").toString()));
        c.addAll(List.of(args));
        return c;
    }

    private Map<String, String> env() {
        return Map.of("HOME", dir.toString()); // the Erlang cookie lives here
    }

    @Override
    protected Process launch() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ctl("foreground"))
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("console.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().putAll(env());
        return pb.start();
    }

    /** ejabberd opens its listeners before it has finished starting: wait until its control command answers. */
    @Override
    protected boolean ready() {
        try {
            run(ctl("status"), env(), dir, 30);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    protected void gracefulStop() throws Exception {
        run(ctl("stop"), env(), dir, 60);
    }

    /** {@code ejabberdctl register} (the server must run). */
    @Override
    public void register(String user, String password) throws Exception {
        run(ctl("register", user, domain, password), env(), dir, 60);
    }

    /** Runs any ejabberdctl command against this node and returns its output (for example {@code connected_users}). */
    public String ctlCommand(String... args) throws Exception {
        return run(ctl(args), env(), dir, 60);
    }
}
