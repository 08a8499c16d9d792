package io.rookery.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --create}: accounts made by XEP-0077 in-band registration against {@link TinyXmppServer}, whose error
 * replies carry the password back as XEP-0077's examples do, and by a shell command. The password must never show.
 */
class AccountCreationEndToEndTest {
    /** A space and a quote: the command must get it as one exact word. */
    private static final String PASSWORD = "it's s3cr3t";

    @TempDir
    Path dir;

    @Test
    void ibrOverStarttlsCreatesTheMissingAccountsCountsExistingOnesAndThenEveryoneLogsIn() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, TestCertificate.serverContext(),
                false)) {
            server.openRegistration();
            for (String u : new String[] {"load1", "load2", "load3"}) server.addAccount(u);

            LoadTestRun run = run(server, "--scenario=login-storm", "--users=10", "--create=ibr", "--concurrency=4");

            assertEquals(0, run.status(), run.err());
            assertEquals("ibr", run.at("accounts", "method"));
            assertEquals(10, run.count("accounts", "attempted"));
            assertEquals(7, run.count("accounts", "created"));
            assertEquals(3, run.count("accounts", "existing"), "conflict counts as an existing account");
            assertEquals(0, run.count("accounts", "failed"));
            assertEquals(Map.of(), run.at("accounts", "failures"));
            assertEquals(10, run.count("accounts", "latencyMs", "count"));
            assertEquals(7, server.registered.get());
            assertEquals(10, server.registrationForms.get(), "each registration asked for the form first");
            for (int i = 1; i <= 10; i++) assertTrue(server.hasAccount("load" + i), "load" + i);
            // Only accounts can log in on this server: every login passing proves the registered passwords.
            assertEquals(10, run.count("logins", "ok"));
            assertEquals(Map.of(), run.at("failures"));
            assertTrue(run.out().contains("accounts (XEP-0077): 10 registrations in"), run.out());
            assertTrue(run.out().contains("7 created, 3 existing, 0 failed"), run.out());
            assertTrue(run.html().contains("<h2>Accounts</h2>"));
            assertFalse(run.everything().contains(PASSWORD), "the password never shows");
        }
    }

    @Test
    void aRefusedRegistrationIsCountedByItsConditionAndItsUserCannotLogIn() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            server.openRegistration();
            server.refuseRegistration("load4");

            LoadTestRun run = run(server, "--scenario=login-storm", "--users=5", "--tls=off", "--create=ibr");

            assertEquals(0, run.status(), run.err());
            assertEquals(4, run.count("accounts", "created"));
            assertEquals(0, run.count("accounts", "existing"));
            assertEquals(1, run.count("accounts", "failed"));
            assertEquals(1, run.count("accounts", "failures", "register:not-allowed", "count"));
            assertEquals(4, run.count("logins", "ok"));
            assertEquals(1, run.count("failures", "sasl:not-authorized", "count"));
            assertTrue(run.out().contains("register:not-allowed"), run.out());
            assertTrue(((String) run.at("notes", 0)).contains("1 account registrations failed"), run.out());
            // The not-allowed reply carried the query back, password and all.
            assertFalse(run.everything().contains(PASSWORD), "the password never shows");
        }
    }

    @Test
    void ibrAgainstAServerWithoutRegistrationCountsServiceUnavailable() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            LoadTestRun run = run(server, "--scenario=login-storm", "--users=3", "--tls=off", "--create=ibr");

            assertEquals(3, run.count("accounts", "failed"));
            assertEquals(3, run.count("accounts", "failures", "register:service-unavailable", "count"));
            assertEquals(0, server.registered.get());
            assertEquals(3, run.count("logins", "ok"), "this server lets every user in anyway");
        }
    }

    @Test
    void theCommandRunsOnceWithShellQuotedValuesAndThePasswordMasked() throws Exception {
        Path args = dir.resolve("args.txt");
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            String command = "printf '%s|%s|%s|%s|%s\\n' {first} {users} {pattern} {domain} {password} >> " + args
                    + "; echo made {users} users with {password}";

            LoadTestRun run = run(server, "--scenario=login-storm", "--users=5", "--first=7", "--tls=off",
                    "--create=command", "--create-command=" + command);

            assertEquals(0, run.status(), run.err());
            assertEquals("7|5|load%d|localhost|" + PASSWORD + "\n", Files.readString(args), "one run, exact values");
            assertTrue(run.err().contains("create: made 5 users with (password)"), run.err());
            assertTrue(run.err().contains("printf '%s|%s|%s|%s|%s\\n' '7' '5' 'load%d' 'localhost' '(password)'"),
                    run.err());
            assertEquals("command", run.at("accounts", "method"));
            assertEquals(0, run.count("accounts", "exitStatus"));
            assertTrue(((String) run.at("accounts", "command")).contains("'(password)'"));
            assertTrue(((String) run.at("options", "create-command")).contains("{password}"));
            assertEquals(5, run.count("logins", "ok"));
            assertFalse(run.everything().contains(PASSWORD), "the password never shows");
        }
    }

    @Test
    void aFailingCommandStopsTheRunBeforeAnyLogin() throws Exception {
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            LoadTestRun run = run(server, "--scenario=login-storm", "--users=5", "--tls=off", "--create=command",
                    "--create-command=echo no database; exit 3");

            assertEquals(1, run.status());
            assertTrue(run.err().contains("--create-command exited with status 3"), run.err());
            assertTrue(run.err().contains("create: no database"), run.err());
            assertEquals(0, server.binds.get(), "no login after a failed creation");
            assertNull(run.json(), "no result files");
        }
    }

    @Test
    void aCommandStillRunningAtTheTimeoutIsStoppedWithWhatItStarted() throws Exception {
        Path pid = dir.resolve("sleep.pid");
        try (TinyXmppServer server = new TinyXmppServer("localhost", PASSWORD, null, false)) {
            long t0 = System.nanoTime();
            LoadTestRun run = run(server, "--scenario=login-storm", "--users=5", "--tls=off", "--timeout=2s",
                    "--create=command", "--create-command=sleep 60 & echo $! > " + pid + "; wait");
            double seconds = (System.nanoTime() - t0) / 1e9;

            assertEquals(1, run.status());
            assertTrue(run.err().contains("--create-command did not finish within"), run.err());
            assertTrue(seconds < 20, "stopped at the timeout, not after the sleep: " + seconds);
            Optional<ProcessHandle> sleep = ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()));
            assertFalse(sleep.map(ProcessHandle::isAlive).orElse(false), "the command's child was stopped too");
            assertEquals(0, server.binds.get());
        }
    }

    private LoadTestRun run(TinyXmppServer server, String... args) throws Exception {
        return LoadTestRun.run(dir, server.port(), PASSWORD, args);
    }
}
