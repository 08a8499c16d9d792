package io.rookery.node.it.s2s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A third-party XMPP server run as a child process for federation tests: its own folder (configuration, data, logs)
 * under the test dir, its domain, a certificate from a {@link TestCa}, client and server-to-server listeners on free
 * ports of 127.0.0.1 chosen once (a restart keeps them, so DNS records stay right), and names resolved through a
 * {@link TestDns}. The policy options are read at each {@link #start()}: change them, then {@link #restart()}.
 *
 * <p>Every peer is also killed by a JVM shutdown hook, so an aborted test run leaves no server behind; tests still
 * stop peers in {@code @AfterAll}.
 */
public abstract class FederationPeer implements AutoCloseable {
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    protected final Path dir;
    protected final String domain;
    protected final TestCa ca;
    protected final TestDns dns;
    protected final int c2sPort;
    protected final int s2sPort;

    protected TestCa.Issued certificate;
    protected boolean trustCa = true;
    protected boolean secureAuth = true;
    protected boolean dialback = true;

    protected Process process;
    private Thread hook;

    protected FederationPeer(Path dir, String domain, TestCa ca, TestDns dns) throws Exception {
        this.dir = dir.toAbsolutePath();
        this.domain = domain;
        this.ca = ca;
        this.dns = dns;
        Files.createDirectories(this.dir);
        this.c2sPort = freePort();
        this.s2sPort = freePort();
        this.certificate = ca.issue(domain);
    }

    public String domain() {
        return domain;
    }

    public int c2sPort() {
        return c2sPort;
    }

    public int s2sPort() {
        return s2sPort;
    }

    public Path dir() {
        return dir;
    }

    public TestCa ca() {
        return ca;
    }

    /** The server's main log (tests print it on failure). */
    public abstract Path logFile();

    /** Creates an account on this peer (the server may be running or not, depending on the peer). */
    public abstract void register(String user, String password) throws Exception;

    /**
     * Whether the peer requires a valid certificate from the other server (true) or accepts XEP-0220 dialback over
     * TLS from a server whose certificate it cannot verify (false).
     */
    public FederationPeer secureAuth(boolean on) {
        this.secureAuth = on;
        return this;
    }

    /** Whether the peer has its XEP-0220 dialback module at all. */
    public FederationPeer dialback(boolean on) {
        this.dialback = on;
        return this;
    }

    /** Whether the peer trusts the {@link TestCa} (false: the other servers' certificates do not verify here). */
    public FederationPeer trustCa(boolean on) {
        this.trustCa = on;
        return this;
    }

    /** The certificate the peer presents (default: one from the CA for its domain). */
    public FederationPeer certificate(TestCa.Issued issued) {
        this.certificate = issued;
        return this;
    }

    public TestCa.Issued certificate() {
        return certificate;
    }

    /** Declares this peer's s2s (and client) SRV records in the DNS. */
    public FederationPeer publishDns() {
        dns.srv(domain, s2sPort);
        dns.clientSrv(domain, c2sPort);
        return this;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Writes the configuration from the current options, launches the server and waits for its listeners. */
    public synchronized void start() throws Exception {
        if (isAlive()) throw new IllegalStateException(domain + " already runs");
        writeConfig();
        process = launch();
        if (hook == null) {
            hook = new Thread(this::kill, "kill-" + domain);
            Runtime.getRuntime().addShutdownHook(hook);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!(accepts(c2sPort) && accepts(s2sPort) && ready())) {
            if (!process.isAlive()) {
                throw new IllegalStateException(domain + " exited with " + process.exitValue() + " before it was"
                        + " ready\n" + tail(40));
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException(domain + " not ready after 90 s\n" + tail(40));
            }
            Thread.sleep(200);
        }
    }

    /** Graceful stop, then a kill of whatever is left (children included) after 30 s. */
    public synchronized void stop() {
        if (process == null) return;
        if (process.isAlive()) {
            try {
                gracefulStop();
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // the kill below ends it
            }
        }
        kill();
    }

    /** SIGKILL to the server and every process it started. */
    public synchronized void kill() {
        Process p = process;
        if (p == null) return;
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        all.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle h : all) {
            h.onExit().completeOnTimeout(h, 5, TimeUnit.SECONDS).join();
        }
    }

    public void restart() throws Exception {
        stop();
        start();
    }

    @Override
    public void close() {
        stop();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down already
            }
            hook = null;
        }
    }

    /** The last lines of the server's log, for failure messages. */
    public String tail(int lines) {
        StringBuilder sb = new StringBuilder();
        for (Path f : logFiles()) {
            sb.append("---- ").append(f).append('\n');
            try {
                if (!Files.exists(f)) continue;
                List<String> all = Files.readAllLines(f, StandardCharsets.UTF_8);
                all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> sb.append(l).append('\n'));
            } catch (IOException | UncheckedIOException e) {
                sb.append("(unreadable: ").append(e).append(")\n");
            }
        }
        return sb.toString();
    }

    /** Every log worth reading on failure (console output included). */
    protected List<Path> logFiles() {
        return List.of(logFile());
    }

    protected abstract void writeConfig() throws Exception;

    protected abstract Process launch() throws Exception;

    protected abstract void gracefulStop() throws Exception;

    /** An extra readiness check after the listeners accept (ejabberd: its control command answers). */
    protected boolean ready() throws Exception {
        return true;
    }

    /** Runs a command to completion, output into {@code log}; throws with the output if it fails. */
    protected static String run(List<String> command, Map<String, String> env, Path cwd, long timeoutSeconds)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path out = Files.createTempFile(cwd, "cmd", ".out");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command + "\n" + Files.readString(out));
        }
        String output = Files.readString(out);
        Files.deleteIfExists(out);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("exit " + p.exitValue() + ": " + command + "\n" + output);
        }
        return output;
    }

    protected static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port of 127.0.0.1 free now and not handed out before in this JVM. */
    public static int freePort() throws IOException {
        synchronized (HANDED_OUT) {
            for (int i = 0; i < 50; i++) {
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    int port = s.getLocalPort();
                    if (HANDED_OUT.add(port)) return port;
                }
            }
        }
        throw new IOException("no free port");
    }

    /** Lua and YAML string literal content: the paths here have no quotes or backslashes, refuse any that do. */
    protected static String q(Object o) {
        String s = o.toString();
        if (s.contains("\"") || s.contains("\\") || s.contains("\n")) {
            throw new IllegalArgumentException("unquotable: " + s);
        }
        return "\"" + s + "\"";
    }
}
