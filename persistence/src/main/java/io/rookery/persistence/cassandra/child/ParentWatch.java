package io.rookery.persistence.cassandra.child;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Cassandra child JVM's main: watches the process that launched it, then runs the real main class with the
 * remaining arguments ({@code ParentWatch org.apache.cassandra.service.CassandraDaemon}). When the launcher is gone,
 * however it went (SIGKILL, OutOfMemoryError with {@code -XX:+ExitOnOutOfMemoryError}, a crash), this JVM exits,
 * which runs Cassandra's own shutdown hook (drain and flush, as on SIGTERM). Without it Cassandra outlives a killed
 * node and holds its data dir, so that the next start is refused.
 *
 * <p>Two signs that the launcher is gone:
 * <ul>
 *   <li>end of file on standard input. The launcher keeps the writing end of that pipe open and never writes to it;
 *   the kernel closes it when the launcher dies, however it dies, so this one is immediate.</li>
 *   <li>the launcher's process no longer alive, checked every second: a process that inherited the pipe's writing
 *   end would keep the pipe open after the launcher died.</li>
 * </ul>
 *
 * <p>Runs on Cassandra's class path, not Rookery's: the JDK is all it may use, and it must stay one class file
 * (lambdas, no nested classes), which the launcher copies beside the child.
 */
public final class ParentWatch {

    /** Begins the line this JVM writes to its output when it stops because the launcher is gone. */
    public static final String PARENT_GONE = "rookery-parent-gone";

    /** The launcher gives Cassandra 20 s to stop on SIGTERM; a drain stuck longer than that is cut short here. */
    private static final long HALT_AFTER_MILLIS = 20_000;
    private static final long PARENT_POLL_MILLIS = 1_000;
    private static final AtomicBoolean STOPPING = new AtomicBoolean();

    private ParentWatch() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 1) {
            System.err.println("usage: ParentWatch <main class> [arguments...]");
            System.exit(2);
        }
        // Looked up before anything else: once the launcher is gone the parent is whoever adopted this process.
        ProcessHandle.current().parent().ifPresent(parent -> daemon("rookery-parent-pid", () -> {
            while (parent.isAlive()) {
                sleep(PARENT_POLL_MILLIS);
            }
            parentGone("launcher process " + parent.pid() + " ended");
        }));
        daemon("rookery-parent-pipe", () -> {
            if (awaitEndOfInput(System.in)) {
                parentGone("the launcher's pipe on standard input closed");
            }
        });
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** True at end of file; false when the stream cannot be read (closed in this JVM: that says nothing). */
    private static boolean awaitEndOfInput(InputStream in) {
        byte[] ignored = new byte[256];
        try {
            while (in.read(ignored) >= 0) {
                // The launcher never writes; whatever arrives is not a signal.
            }
            return true;
        } catch (IOException e) {
            System.err.println("rookery-parent-pipe unreadable (" + e + "); watching the launcher's pid only");
            return false;
        }
    }

    private static void parentGone(String why) {
        if (!STOPPING.compareAndSet(false, true)) {
            return;
        }
        System.err.println(PARENT_GONE + " " + why + ": stopping as on SIGTERM");
        daemon("rookery-halt", () -> {
            sleep(HALT_AFTER_MILLIS);
            System.err.println(PARENT_GONE + " shutdown still running after " + HALT_AFTER_MILLIS + " ms: halting");
            Runtime.getRuntime().halt(1);
        });
        // Runs the shutdown hooks (Cassandra's drain) and blocks this thread until the JVM ends.
        System.exit(0);
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
