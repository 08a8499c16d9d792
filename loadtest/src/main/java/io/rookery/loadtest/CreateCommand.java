package io.rookery.loadtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code --create=command}: the account-creation command, run once before the scenario through {@code /bin/sh -c},
 * with {@code {first}}, {@code {users}}, {@code {pattern}}, {@code {password}} and {@code {domain}} replaced by
 * shell-quoted values. Its output goes to stderr line by line with the password masked; the command is shown with
 * {@code (password)} in its place. It must exit with 0 within the time it is given, or the run stops.
 */
final class CreateCommand {
    static final String MASK = "(password)";

    /** How the command ended: its exit status (never null) and how long it ran. */
    record Outcome(String shown, int exitStatus, double seconds) {}

    /** The command failed, timed out or could not start; the run does not go on. */
    static final class Failed extends IOException {
        Failed(String message) {
            super(message);
        }
    }

    private CreateCommand() {}

    /** The template with every placeholder replaced; {@code password} is the value used for {password}. */
    static String render(Options o, String password) {
        return o.createCommand.replace("{first}", quote(Integer.toString(o.first)))
                .replace("{users}", quote(Integer.toString(o.users)))
                .replace("{pattern}", quote(o.userPattern))
                .replace("{domain}", quote(o.domain))
                .replace("{password}", quote(password));
    }

    /** A POSIX shell single-quoted word: the value exactly, whatever it holds. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * Runs the command and waits for it at most {@code limitNanos}; a command still running then is killed with
     * everything it started.
     *
     * @throws Failed when it does not exit with status 0 in time
     */
    static Outcome run(Options o, long limitNanos, PrintStream err) throws IOException, InterruptedException {
        String shown = render(o, MASK);
        err.println("loadtest: creating the accounts: " + shown);
        long start = System.nanoTime();
        Process p;
        try {
            p = new ProcessBuilder("/bin/sh", "-c", render(o, o.password)).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new Failed("--create-command could not start: " + e.getMessage());
        }
        Thread pump = new Thread(() -> copyMasked(p, o.password, err), "loadtest-create-output");
        pump.setDaemon(true);
        pump.start();
        boolean exited;
        try {
            exited = limitNanos > 0 && p.waitFor(limitNanos, TimeUnit.NANOSECONDS);
        } finally {
            if (!p.isAlive()) {
                pump.join(5_000);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!exited) {
            kill(p);
            pump.join(5_000);
            throw new Failed(String.format(Locale.ROOT, "--create-command did not finish within %.1fs (--timeout);"
                    + " stopped it", seconds));
        }
        int status = p.exitValue();
        if (status != 0) throw new Failed("--create-command exited with status " + status + ": " + shown);
        err.printf(Locale.ROOT, "loadtest: accounts created by the command in %.1fs%n", seconds);
        return new Outcome(shown, status, seconds);
    }

    private static void copyMasked(Process p, String password, PrintStream err) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) err.println("create: " + line.replace(password, MASK));
        } catch (IOException ignored) {
            // the process went away: nothing more to show
        }
    }

    /** SIGTERM to the command and everything under it, SIGKILL to what is left after 5 s. */
    private static void kill(Process p) throws InterruptedException {
        var all = p.descendants().toList();
        all.forEach(ProcessHandle::destroy);
        p.destroy();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle h : all) {
            long left = until - System.nanoTime();
            if (left > 0) {
                try {
                    h.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // killed below
                }
            }
        }
        if (!p.waitFor(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS)) p.destroyForcibly();
        for (ProcessHandle h : all) if (h.isAlive()) h.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
    }
}
