package io.rookery.persistence.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.rookery.persistence.cassandra.child.ParentWatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ParentWatch} without Cassandra: a parent JVM starts a child JVM the way the launcher does (its class files
 * copied by {@link ChildClasses}, standard input a pipe from the parent) running a main that sleeps; the test then
 * ends the parent without its shutdown hooks and waits for the child to end. The real Cassandra case is
 * {@link CassandraChildEndsWithParentTest}.
 */
class ParentWatchTest {

    /** Generous: the child notices at once or within a second; a loaded machine may still take a while. */
    private static final Duration CHILD_ENDS_WITHIN = Duration.ofSeconds(60);
    private static final Duration STARTS_WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void killEverythingStarted() {
        for (ProcessHandle p : started) {
            p.destroyForcibly();
        }
    }

    @Test
    void theChildRunsItsMainWhileTheParentLivesAndStopsWhenTheParentIsKilled() throws Exception {
        Process parent = startParent("pipe");
        ProcessHandle child = awaitChild(parent);
        assertTrue(child.isAlive());
        assertFalse(childLog().contains(ParentWatch.PARENT_GONE), childLog());

        parent.destroyForcibly();

        awaitEnd(child);
        assertTrue(childLog().contains(ParentWatch.PARENT_GONE), childLog());
    }

    @Test
    void theChildStopsWhenItsParentIsKilledEvenIfAnotherProcessKeepsThePipeOpen() throws Exception {
        // The child reads a named pipe that another process holds open for writing: its standard input never ends,
        // so only the watch on the parent's pid can notice.
        Path fifo = dir.resolve("stdin.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        started.add(new ProcessBuilder("bash", "-c", "exec sleep 600 > \"$0\"", fifo.toString()).start().toHandle());
        Process parent = startParent("fifo");
        ProcessHandle child = awaitChild(parent);

        parent.destroyForcibly();

        awaitEnd(child);
        assertTrue(childLog().contains(ParentWatch.PARENT_GONE + " launcher process " + parent.pid() + " ended"),
                childLog());
    }

    @Test
    void theChildStopsWhenItsParentEndsOnOutOfMemoryError() throws Exception {
        Process parent = startParent("oom");
        ProcessHandle child = awaitChild(parent);

        Files.writeString(dir.resolve("go"), "");

        assertTrue(parent.waitFor(CHILD_ENDS_WITHIN.toSeconds(), TimeUnit.SECONDS), "the parent never ran out");
        assertEquals(3, parent.exitValue(), "-XX:+ExitOnOutOfMemoryError exits with 3; " + log("parent.log"));
        awaitEnd(child);
        assertTrue(childLog().contains(ParentWatch.PARENT_GONE), childLog());
    }

    private Process startParent(String mode) throws Exception {
        Path childClasses = ChildClasses.install(dir.resolve("child-classes"));
        Path testClasses = Path.of(SleepingChild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx32m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        if (mode.equals("oom")) {
            command.add("-XX:+ExitOnOutOfMemoryError");
        }
        command.addAll(List.of("-cp", testClasses.toString(), LaunchingParent.class.getName(), mode,
                dir.toString(), childClasses + java.io.File.pathSeparator + testClasses, ChildClasses.MAIN_CLASS));
        Process parent = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("parent.log").toFile())
                .start();
        started.add(parent.toHandle());
        return parent;
    }

    /** The child once its main runs (it says so in its log), registered for clean-up. */
    private ProcessHandle awaitChild(Process parent) throws Exception {
        Path pidFile = dir.resolve("child.pid");
        long deadline = System.nanoTime() + STARTS_WITHIN.toNanos();
        while (!Files.exists(pidFile) || !childLog().contains(SleepingChild.STARTED)) {
            if (!parent.isAlive()) {
                fail("the parent exited with " + parent.exitValue() + ": " + log("parent.log") + childLog());
            }
            if (System.nanoTime() - deadline > 0) {
                fail("no child running after " + STARTS_WITHIN + ": " + log("parent.log") + childLog());
            }
            Thread.sleep(50);
        }
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle child = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("child " + pid + " gone"));
        started.add(child);
        return child;
    }

    private void awaitEnd(ProcessHandle child) throws Exception {
        long deadline = System.nanoTime() + CHILD_ENDS_WITHIN.toNanos();
        while (child.isAlive()) {
            if (System.nanoTime() - deadline > 0) {
                fail("child " + child.pid() + " still running " + CHILD_ENDS_WITHIN + " after its parent ended: "
                        + childLog());
            }
            Thread.sleep(50);
        }
    }

    private String childLog() throws IOException {
        return log("child.log");
    }

    private String log(String name) throws IOException {
        Path file = dir.resolve(name);
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no " + name + ")";
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * {@code LaunchingParent <pipe|fifo|oom> <dir> <child class path> <ParentWatch>}: starts {@link SleepingChild}
     * under {@link ParentWatch} (named, not loaded: it is not on this JVM's class path), its standard input a pipe
     * from this JVM (fifo: {@code <dir>/stdin.fifo}), writes its pid to {@code <dir>/child.pid}, then sleeps; in mode
     * oom it runs out of heap once {@code <dir>/go} exists.
     */
    public static final class LaunchingParent {
        public static void main(String[] args) throws Exception {
            String mode = args[0];
            Path dir = Path.of(args[1]);
            ProcessBuilder.Redirect input = mode.equals("fifo")
                    ? ProcessBuilder.Redirect.from(dir.resolve("stdin.fifo").toFile())
                    : ProcessBuilder.Redirect.PIPE;
            Process child = new ProcessBuilder(java(), "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", args[2], args[3], SleepingChild.class.getName(), "a", "b")
                    .redirectInput(input)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("child.log").toFile())
                    .start();
            Path tmp = dir.resolve("child.pid.tmp");
            Files.writeString(tmp, Long.toString(child.pid()));
            Files.move(tmp, dir.resolve("child.pid"), StandardCopyOption.ATOMIC_MOVE);
            if (mode.equals("oom")) {
                while (!Files.exists(dir.resolve("go"))) {
                    Thread.sleep(20);
                }
                List<long[]> hog = new ArrayList<>();
                while (true) {
                    hog.add(new long[1 << 20]);
                }
            }
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** Stands in for Cassandra: says it started, with its arguments, and sleeps. */
    public static final class SleepingChild {
        static final String STARTED = "sleeping-child-started [a, b]";

        public static void main(String[] args) throws Exception {
            System.out.println("sleeping-child-started " + List.of(args));
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
