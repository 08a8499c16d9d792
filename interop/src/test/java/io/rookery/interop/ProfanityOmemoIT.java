package io.rookery.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.rookery.node.RookeryNode;
import io.rookery.node.it.TestNodes;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End-to-end encryption through Rookery with real clients: two profanity 0.13 (Debian's, built with OMEMO) in
 * detached tmux sessions, each with its own HOME and XDG directories, log in over STARTTLS to a node on real
 * Cassandra, subscribe to each other, generate OMEMO keys, fetch and trust each other's device (the device list and
 * bundle travel through the node's PEP), and exchange one encrypted message each way. The plaintext is read on the
 * receiving screen (tmux capture-pane); the stanzas the node routed are read back from its XEP-0313 archive
 * ({@code mam_messages}, where the recipient's entity kept each as delivered) and carry the OMEMO payload and never
 * the plaintext.
 *
 * <p>Every wait polls the screen with a deadline; the test's tmux server (its own socket) and the profanity
 * processes are killed in {@code finally} and {@link #stop()} whatever happened.
 */
class ProfanityOmemoIT {
    private static final String OMEMO_LEGACY = "eu.siacs.conversations.axolotl";
    /** Wide enough for a fingerprint line with the test's long user names, tall enough that nothing scrolls away. */
    private static final int COLUMNS = 250;
    private static final int ROWS = 60;
    private static final long POLL_MS = 200;
    private static final long WAIT_MS = 30_000;
    private static final String RESOURCE = "profanity";

    private static RookeryNode node;
    private static Tmux tmux;

    @BeforeAll
    static void start() throws Exception {
        for (String tool : List.of("profanity", "tmux", "openssl")) {
            assertTrue(onPath(tool), tool + " is needed (bin/rookery test installs it from Debian)");
        }
        node = TestNodes.startNode(Map.of());
    }

    @AfterAll
    static void stop() {
        try {
            if (tmux != null) tmux.close();
        } finally {
            if (node != null) node.close();
        }
    }

    @Test
    void twoProfanityClientsTrustEachOtherAndExchangeOmemoMessagesTheServerOnlySeesEncrypted() throws Exception {
        Path dir = Files.createTempDirectory(TestNodes.testDir(), "profanity");
        Path certs = trustedCertificates(dir);
        String alice = TestNodes.newUser(node, "omemoalice") + "@localhost";
        String bob = TestNodes.newUser(node, "omemobob") + "@localhost";
        String toBob = "secret-for-bob-" + UUID.randomUUID();
        String toAlice = "secret-for-alice-" + UUID.randomUUID();

        tmux = new Tmux(Files.createTempDirectory("rookery-tmux"));
        try {
            Profanity a = Profanity.start(tmux, dir, certs, "alice", alice);
            Profanity b = Profanity.start(tmux, dir, certs, "bob", bob);
            a.await("alice logs in", Pattern.quote(alice + "/" + RESOURCE + " logged in successfully"));
            b.await("bob logs in", Pattern.quote(bob + "/" + RESOURCE + " logged in successfully"));

            // Subscriptions both ways, with profanity's own commands (RFC 6121 §3 through the node's roster).
            a.type("/sub request " + bob);
            b.await("bob gets alice's request", Pattern.quote("Received authorization request from " + alice));
            b.type("/sub allow " + alice);
            b.type("/sub request " + alice);
            a.await("alice gets bob's request", Pattern.quote("Received authorization request from " + bob));
            a.type("/sub allow " + bob);
            a.await("alice sees bob online", Pattern.quote("++ " + bob + " (" + RESOURCE + ") is online"));
            b.await("bob sees alice online", Pattern.quote("++ " + alice + " (" + RESOURCE + ") is online"));

            // Fresh identity keys; each client publishes its device list and bundle to its own PEP nodes.
            a.type("/omemo gen");
            b.type("/omemo gen");
            String aliceDevice = a.await("alice generates OMEMO keys", "Your Device ID is (\\d+)").group(1);
            String bobDevice = b.await("bob generates OMEMO keys", "Your Device ID is (\\d+)").group(1);
            // profanity asks for a contact's device list once, at /omemo start, and fetches the keys of the devices
            // in that answer only: started before the contact's client has published its list (item-not-found), it
            // never fetches them, and a later notification of the list does not make it. So, as a user would wait
            // for a contact to have OMEMO, each session starts once both lists are at the node.
            awaitDeviceList(alice, aliceDevice);
            awaitDeviceList(bob, bobDevice);

            trust(a, bob);
            trust(b, alice);

            a.type(toBob);
            // '~' marks a message profanity decrypted with OMEMO.
            b.await("bob reads alice's message decrypted",
                    " ~ " + Pattern.quote(alice + "/") + "\\S+: " + Pattern.quote(toBob));
            b.type(toAlice);
            a.await("alice reads bob's message decrypted",
                    " ~ " + Pattern.quote(bob + "/") + "\\S+: " + Pattern.quote(toAlice));

            assertOnlyCiphertextRouted(bob, alice, aliceDevice, bobDevice, List.of(toBob, toAlice));
            assertOnlyCiphertextRouted(alice, bob, bobDevice, aliceDevice, List.of(toBob, toAlice));
        } finally {
            tmux.close();
        }
    }

    /**
     * {@code /omemo start}, then {@code /omemo fingerprint} until the contact's device is known (its device list and
     * bundle fetched from the contact's PEP), then {@code /omemo trust} with the fingerprint shown.
     */
    private static void trust(Profanity p, String contact) throws Exception {
        p.type("/omemo start " + contact);
        p.await(p.name + " starts an OMEMO session", Pattern.quote(contact) + " \\[online\\] \\[OMEMO\\]");
        Pattern shown = Pattern.compile(
                Pattern.quote(contact + "'s OMEMO fingerprint: ") + "([0-9a-f]{8}(?:-[0-9a-f]{8}){7})");
        String fingerprint = null;
        for (int attempt = 0; attempt < 10 && fingerprint == null; attempt++) {
            p.type("/omemo fingerprint " + contact);
            Matcher m = p.poll(shown, 3_000);
            if (m != null) fingerprint = m.group(1);
        }
        if (fingerprint == null) p.fail(p.name + " sees the fingerprint of " + contact + "'s device");
        p.type("/omemo trust " + contact + " " + fingerprint);
        p.await(p.name + " trusts " + contact,
                Pattern.quote(contact + "'s OMEMO fingerprint: " + fingerprint + " (trusted)"));
    }

    /** Polls the account's PEP item store (bounded) until its OMEMO device list names the device. */
    private static void awaitDeviceList(String owner, String device) throws Exception {
        String keyspace = node.settings().cassandra().keyspace();
        String list = null;
        try (CqlSession cql = TestNodes.cassandra().sessionBuilder().build()) {
            for (long i = 0; i <= WAIT_MS / POLL_MS; i++) {
                Row r = cql.execute("SELECT payload FROM " + keyspace + ".pubsub_items WHERE service = ? AND node = ? "
                        + "AND id = 'current'", owner, OMEMO_LEGACY + ".devicelist").one();
                list = r == null ? null : r.getString("payload");
                if (list != null && Pattern.compile("id=[\"']" + device + "[\"']").matcher(list).find()) return;
                Thread.sleep(POLL_MS);
            }
        }
        String last = list;
        throw new AssertionError(owner + " publishes device " + device + " in its OMEMO device list: " + last);
    }

    /**
     * The owner's archive (written by its entity, as the node delivered each message) holds the message from the
     * peer: an OMEMO element from the sender's device with a key for the recipient's, and none of the plaintexts
     * anywhere in any archived stanza.
     */
    private static void assertOnlyCiphertextRouted(String owner, String peer, String senderDevice,
            String recipientDevice, List<String> secrets) throws Exception {
        String keyspace = node.settings().cassandra().keyspace();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        List<String> stanzas = List.of();
        Element encrypted = null;
        try (CqlSession cql = TestNodes.cassandra().sessionBuilder().build()) {
            // Archive writes are asynchronous (off the delivery path): poll, bounded in time and count.
            for (int i = 0; i < WAIT_MS / POLL_MS && encrypted == null; i++) {
                stanzas = new ArrayList<>();
                for (Row r : cql.execute("SELECT stanza FROM " + keyspace + ".mam_messages WHERE owner = ? AND "
                        + "with_jid = ''", owner)) {
                    stanzas.add(r.getString("stanza"));
                }
                for (String xml : stanzas) {
                    Element m = StoredXml.parse(xml);
                    if (m.attr("from") != null && m.attr("from").startsWith(peer + "/")
                            && m.child("encrypted", OMEMO_LEGACY) != null) {
                        encrypted = m.child("encrypted", OMEMO_LEGACY);
                    }
                }
                if (encrypted == null && System.nanoTime() > deadline) break;
                if (encrypted == null) Thread.sleep(POLL_MS);
            }
        }
        List<String> archived = stanzas;
        assertNotNull(encrypted, () -> owner + "'s archive holds the OMEMO message from " + peer + ": " + archived);
        for (String xml : archived) {
            for (String secret : secrets) {
                assertFalse(xml.contains(secret), () -> "the node saw a plaintext in " + owner + "'s archive: " + xml);
            }
        }
        Element header = encrypted.child("header", OMEMO_LEGACY);
        assertNotNull(header, "an OMEMO header");
        assertEquals(senderDevice, header.attr("sid"), "sent from the sender's device");
        assertTrue(header.children("key", OMEMO_LEGACY).stream().anyMatch(k -> recipientDevice.equals(k.attr("rid"))),
                () -> "a key for the recipient's device " + recipientDevice + ": " + header);
        String payload = encrypted.childText("payload", OMEMO_LEGACY);
        assertNotNull(payload, "the ciphertext");
        assertTrue(Base64.getDecoder().decode(payload.strip()).length > 0, "a ciphertext");
    }

    /**
     * A directory OpenSSL (libstrophe's TLS) reads trusted certificates from: the node's self-signed development
     * certificate under its subject hash ({@code <hash>.0}).
     *
     * <p>Why this and not {@code tls trust}, {@code /tls allow} or {@code tls.policy=trust}: each of those accepts any
     * certificate. With {@code tls.policy=force} and {@code tls.certpath} pointing here, profanity still checks the
     * chain and the name ({@code localhost}) as in production, and trusts only this node's certificate, only in
     * this test's configuration (its own XDG_CONFIG_HOME).
     */
    private static Path trustedCertificates(Path dir) throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        Path keystore = node.settings().dataDir().resolve("tls").resolve("dev-localhost.p12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, node.settings().tls().keystorePassword().toCharArray());
        }
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(ks.getCertificate("rookery").getEncoded());
        Path pem = Files.writeString(dir.resolve("rookery.pem"),
                "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n");
        String hash = run(List.of("openssl", "x509", "-hash", "-noout", "-in", pem.toString())).strip();
        assertTrue(hash.matches("[0-9a-f]{8}"), () -> "openssl's subject hash: " + hash);
        Files.copy(pem, certs.resolve(hash + ".0"));
        return certs;
    }

    /** One profanity in a detached tmux session: its own HOME and XDG directories, its account preset. */
    private static final class Profanity {
        final String name;
        final Tmux tmux;
        final Path log;

        private Profanity(String name, Tmux tmux, Path log) {
            this.name = name;
            this.tmux = tmux;
            this.log = log;
        }

        static Profanity start(Tmux tmux, Path dir, Path certs, String name, String jid) throws Exception {
            Path home = Files.createDirectories(dir.resolve(name));
            Path config = Files.createDirectories(home.resolve("config").resolve("profanity"));
            Path data = Files.createDirectories(home.resolve("data").resolve("profanity"));
            // The account: STARTTLS required (force) to the node's loopback port, the XMPP domain taken from the JID.
            Files.writeString(data.resolve("accounts"), String.join("\n",
                    "[" + jid + "]", "enabled=true", "jid=" + jid, "server=127.0.0.1",
                    "port=" + node.starttlsPort(), "resource=" + RESOURCE, "password=" + TestNodes.PASSWORD,
                    "tls.policy=force", ""));
            Files.writeString(config.resolve("profrc"), String.join("\n",
                    "[connection]", "tls.certpath=" + certs, "", ""));
            tmux.newSession(name, List.of("env", "HOME=" + home, "XDG_CONFIG_HOME=" + home.resolve("config"),
                    "XDG_DATA_HOME=" + home.resolve("data"), "profanity", "--logfile",
                    home.resolve("profanity.log").toString(), "-l", "DEBUG", "-a", jid));
            return new Profanity(name, tmux, home.resolve("profanity.log"));
        }

        /** Types a line and Enter. */
        void type(String line) throws Exception {
            tmux.type(name, line);
        }

        /** Polls the screen for the pattern until the timeout; null when it never showed. */
        Matcher poll(Pattern pattern, long timeoutMs) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            for (long i = 0; i <= timeoutMs / POLL_MS; i++) {
                Matcher m = pattern.matcher(tmux.screen(name));
                if (m.find()) return m;
                if (System.nanoTime() > deadline) break;
                Thread.sleep(POLL_MS);
            }
            return null;
        }

        Matcher await(String what, String regex) throws Exception {
            Matcher m = poll(Pattern.compile(regex), WAIT_MS);
            if (m == null) fail(what);
            return m;
        }

        /** Fails with what both screens show and the end of this client's log (its stanzas, at DEBUG). */
        void fail(String what) throws Exception {
            String tail = "";
            if (Files.exists(log)) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
            }
            org.junit.jupiter.api.Assertions.fail(what + " (no such line within " + WAIT_MS + " ms)\n" + tmux.screens()
                    + "\n---- end of " + log + "\n" + tail);
        }
    }

    /**
     * A tmux server of the test's own (its own socket, so killing it touches no other tmux), sessions detached
     * with a fixed size; panes stay after their program exits so a crash still shows on the screen.
     */
    private static final class Tmux implements AutoCloseable {
        private final Path dir;
        private final Path socket;
        private final List<String> sessions = new ArrayList<>();
        private final List<Long> panePids = new ArrayList<>();

        Tmux(Path dir) throws IOException {
            this.dir = dir;
            this.socket = dir.resolve("tmux.sock");
            Files.writeString(dir.resolve("tmux.conf"), "set -g remain-on-exit on\nset -g status off\n");
        }

        void newSession(String name, List<String> command) throws Exception {
            List<String> args = new ArrayList<>(List.of("new-session", "-d", "-s", name, "-x",
                    Integer.toString(COLUMNS), "-y", Integer.toString(ROWS)));
            args.addAll(command);
            tmux(args);
            sessions.add(name);
            panePids.add(Long.parseLong(tmux(List.of("display-message", "-p", "-t", name, "#{pane_pid}")).strip()));
        }

        void type(String session, String line) throws Exception {
            tmux(List.of("send-keys", "-t", session, "-l", line));
            tmux(List.of("send-keys", "-t", session, "Enter"));
        }

        String screen(String session) throws Exception {
            return tmux(List.of("capture-pane", "-p", "-t", session));
        }

        String screens() {
            StringBuilder out = new StringBuilder();
            for (String s : sessions) {
                out.append("---- screen of ").append(s).append('\n');
                try {
                    // A curses screen: blank rows between the last line and the status bar say nothing.
                    out.append(screen(s).replaceAll("(?m)^[ \\t]*\\R", "")).append('\n');
                } catch (Exception e) {
                    out.append("(unavailable: ").append(e).append(")\n");
                }
            }
            return out.toString();
        }

        private String tmux(List<String> args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("tmux", "-S", socket.toString(), "-f",
                    dir.resolve("tmux.conf").toString()));
            cmd.addAll(args);
            return run(cmd);
        }

        /** Kills the server (its sessions' programs get SIGHUP), then any profanity that outlived it. */
        @Override
        public void close() {
            if (Files.exists(socket)) {
                try {
                    tmux(List.of("kill-server"));
                } catch (Exception e) {
                    // The server may be gone already; the processes are killed below either way.
                }
            }
            for (long pid : panePids) {
                ProcessHandle.of(pid).ifPresent(p -> {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                });
            }
            panePids.clear();
            sessions.clear();
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // A leftover socket directory in the temp folder is harmless.
            }
        }
    }

    /** Runs a short command (tmux, openssl) and returns its output; fails on a non-zero exit or after 10 s. */
    private static String run(List<String> cmd) throws Exception {
        // Output to a file, not a pipe: a hung command cannot block the read, only the bounded wait.
        Path out = Files.createTempFile("rookery-cmd", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().remove("TMUX"); // a test started inside tmux still gets a server of its own
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + cmd);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) throw new IllegalStateException(cmd + " exited " + p.exitValue() + ": " + text);
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }
}
