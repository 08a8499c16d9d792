package io.rookery.persistence.cassandra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Resolves the Cassandra server's classpath with Maven, apart from Rookery's own: cassandra-all brings netty, guava,
 * jackson and logback versions that clash with the server's, so it never goes on our classpath.
 *
 * <p>The result is cached as {@code classpath.txt} beside the written {@code pom.xml}; later starts skip Maven unless
 * the pom template changed or a listed jar disappeared (for example after the local repository was cleaned).
 */
final class CassandraClasspath {

    static final String POM_RESOURCE = "cassandra-runtime-pom.xml";
    private static final long MAVEN_TIMEOUT_MINUTES = 15;

    private CassandraClasspath() {
    }

    /** The cached classpath, resolving it with Maven first when needed. */
    static List<Path> resolve(Path runtimeDir) {
        try {
            Files.createDirectories(runtimeDir);
            Path pom = runtimeDir.resolve("pom.xml");
            Path cached = runtimeDir.resolve("classpath.txt");
            byte[] template = pomTemplate();
            if (!Files.exists(pom) || !Arrays.equals(Files.readAllBytes(pom), template)) {
                writeAtomically(pom, template);
                Files.deleteIfExists(cached);
            }
            List<Path> classpath = readCached(cached);
            if (classpath.isEmpty()) {
                runMaven(runtimeDir, pom, cached);
                classpath = readCached(cached);
                if (classpath.isEmpty()) {
                    throw new IllegalStateException("Maven resolved no usable Cassandra classpath into " + cached);
                }
            }
            return classpath;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve the Cassandra classpath in " + runtimeDir, e);
        }
    }

    /** The jamm agent jar Cassandra measures memtables with; it must be loaded as a java agent. */
    static Path jammJar(List<Path> classpath) {
        return classpath.stream()
                .filter(p -> p.getFileName().toString().matches("jamm-[0-9].*\\.jar"))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "no com.github.jbellis:jamm jar on the Cassandra classpath " + classpath));
    }

    /** Finds {@code mvn} on PATH, then under MAVEN_HOME or M2_HOME; null when there is none. */
    static Path findMaven() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, "mvn"));
                    candidates.add(Path.of(dir, "mvn.cmd"));
                }
            }
        }
        for (String env : List.of("MAVEN_HOME", "M2_HOME")) {
            String home = System.getenv(env);
            if (home != null && !home.isEmpty()) {
                candidates.add(Path.of(home, "bin", "mvn"));
                candidates.add(Path.of(home, "bin", "mvn.cmd"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }

    private static byte[] pomTemplate() throws IOException {
        try (InputStream in = CassandraClasspath.class.getResourceAsStream(POM_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + POM_RESOURCE + " is missing");
            }
            return in.readAllBytes();
        }
    }

    /** Empty when there is no cache or any listed jar is gone. */
    private static List<Path> readCached(Path cached) throws IOException {
        if (!Files.exists(cached)) {
            return List.of();
        }
        String text = Files.readString(cached, StandardCharsets.UTF_8).strip();
        List<Path> jars = new ArrayList<>();
        for (String entry : text.split(java.io.File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path jar = Path.of(entry.strip());
            if (!Files.isRegularFile(jar)) {
                return List.of();
            }
            jars.add(jar);
        }
        return List.copyOf(jars);
    }

    private static void runMaven(Path runtimeDir, Path pom, Path cached) throws IOException {
        Path mvn = findMaven();
        if (mvn == null) {
            throw new IllegalStateException("Cannot resolve org.apache.cassandra:cassandra-all: no 'mvn' on PATH, "
                    + "MAVEN_HOME or M2_HOME. Install Maven, or pass an explicit Cassandra classpath "
                    + "(CassandraLauncher.Options.Builder#classpath).");
        }
        // Parallel launchers may share the runtime dir: each writes its own file and moves it into place.
        Path output = runtimeDir.resolve("classpath.txt.tmp-" + ProcessHandle.current().pid());
        Path log = runtimeDir.resolve("mvn.log");
        // Not offline (-o): the first resolution has to download cassandra-all and its dependencies.
        ProcessBuilder builder = new ProcessBuilder(mvn.toString(), "-B", "-q", "-f", pom.toString(),
                "dependency:build-classpath", "-Dmdep.outputFile=" + output)
                .directory(runtimeDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        Process process = builder.start();
        try {
            if (!process.waitFor(MAVEN_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("Maven did not resolve the Cassandra classpath within "
                        + MAVEN_TIMEOUT_MINUTES + " minutes; see " + log);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while resolving the Cassandra classpath", e);
        }
        if (process.exitValue() != 0 || !Files.exists(output)) {
            Files.deleteIfExists(output);
            throw new IllegalStateException("Maven failed (exit " + process.exitValue() + ") to resolve the Cassandra "
                    + "classpath with " + pom + ":\n" + LogTail.lastLines(log, 50));
        }
        Files.move(output, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        Files.write(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
