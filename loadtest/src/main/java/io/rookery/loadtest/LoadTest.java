package io.rookery.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's command line: runs one scenario against any XMPP server, prints progress on stderr and a
 * summary on stdout, and writes PREFIX.json and PREFIX.html. Exit status 0 when the run completed (whatever it
 * measured), 2 for bad arguments, 1 when the run itself could not be carried out.
 */
public final class LoadTest {
    private LoadTest() {}

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        System.exit(status);
    }

    /** Runs and reports; returns the exit status. Ctrl-C ends the current phase and still writes the results. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).print(Options.help());
            return args.length == 0 ? 2 : 0;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("loadtest: " + e.getMessage());
            err.println("run with --help for the options");
            return 2;
        }
        Runner runner = new Runner(options, out, err);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            runner.requestStop();
            try {
                finished.await(30, TimeUnit.SECONDS); // let the results be written
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "loadtest-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            RunResult result = runner.run();
            out.print(TextSummary.write(result));
            for (Path p : write(result, options.out)) out.println("wrote " + p);
            out.flush();
            return 0;
        } catch (IOException e) {
            err.println("loadtest: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("loadtest: interrupted");
            return 1;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it is waiting for us, and we are done
            }
        }
    }

    /** Writes PREFIX.json and PREFIX.html, creating the folder if needed; returns both paths. */
    static Path[] write(RunResult result, String prefix) throws IOException {
        Path json = Path.of(prefix + ".json").toAbsolutePath();
        Path html = Path.of(prefix + ".html").toAbsolutePath();
        if (json.getParent() != null) Files.createDirectories(json.getParent());
        Files.writeString(json, JsonReport.write(result), StandardCharsets.UTF_8);
        Files.writeString(html, HtmlReport.write(result), StandardCharsets.UTF_8);
        return new Path[] {json, html};
    }
}
