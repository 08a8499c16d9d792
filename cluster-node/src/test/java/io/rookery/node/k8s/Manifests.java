package io.rookery.node.k8s;

import static io.rookery.node.k8s.ManifestJson.list;
import static io.rookery.node.k8s.ManifestJson.map;
import static io.rookery.node.k8s.ManifestJson.parseJson;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the Manifests*Test classes share: where things are, each overlay rendered by {@code kubectl kustomize} and
 * checked by {@code k8s/validate}, and what the node reads and exports. The expensive part (npm ci, then kustomize
 * and the validator once per overlay) is done lazily, once per test JVM, and kept in static fields, so splitting the
 * tests over several classes does not repeat it (surefire runs them all in one forked JVM).
 */
final class Manifests {
    static final Path ROOT = repositoryRoot();
    private static final Path BUILD = buildDirectory();
    static final Path REFERENCE_CONF = ROOT.resolve("cluster-node/src/main/resources/reference.conf");
    private static final Path LOGBACK_XML = ROOT.resolve("cluster-node/src/main/resources/logback.xml");
    private static final Map<String, Rendered> RENDERED = new HashMap<>();
    private static Path validator;

    private Manifests() {}

    // ---- rendering and validation -----------------------------------------------------------------------------------

    /** The overlay rendered and validated, once per test JVM: the Manifests*Test classes all ask here. */
    static synchronized Rendered render(String overlay) {
        return RENDERED.computeIfAbsent(overlay, o -> {
            try {
                Path dir = Files.createDirectories(BUILD.resolve("k8s-rendered"));
                Path yaml = dir.resolve(o + ".yaml");
                Path json = dir.resolve(o + ".json");
                Files.deleteIfExists(json);
                Result kustomize = run(Duration.ofMinutes(2), ROOT, "kubectl", "kustomize", "k8s/overlays/" + o);
                if (kustomize.exit != 0) fail("kubectl kustomize k8s/overlays/" + o + " failed:\n" + kustomize.stderr);
                Files.writeString(yaml, kustomize.stdout);
                Result validate = run(Duration.ofMinutes(2), validator(), "node", "validate.mjs", yaml.toString(),
                        "--json-out", json.toString());
                if (!Files.exists(json)) fail("k8s/validate did not run:\n" + validate.stdout + validate.stderr);
                List<Map<String, Object>> objects = new ArrayList<>();
                for (Object x : list(parseJson("{\"items\":" + Files.readString(json) + "}").get("items"))) {
                    objects.add(map(x));
                }
                return new Rendered(o, objects, validate.exit, validate.stdout + validate.stderr);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    /** k8s/validate installed under the build folder (npm ci from its lock file), once per lock file. */
    private static synchronized Path validator() throws IOException {
        if (validator != null) return validator;
        Path src = ROOT.resolve("k8s/validate");
        Path dir = Files.createDirectories(BUILD.resolve("k8s-validate"));
        for (String f : List.of("package.json", "package-lock.json", "validate.mjs")) {
            Files.copy(src.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        Path stamp = dir.resolve("installed-from.lock");
        String lock = Files.readString(dir.resolve("package-lock.json"));
        boolean installed = Files.exists(stamp) && Files.readString(stamp).equals(lock)
                && Files.isDirectory(dir.resolve("node_modules"));
        if (!installed) {
            run(Duration.ofSeconds(30), dir, "node", "--version");
            Result npm = run(Duration.ofMinutes(5), dir, "npm", "ci", "--no-audit", "--no-fund", "--prefer-offline",
                    "--loglevel=error");
            if (npm.exit != 0) {
                fail("npm ci in " + dir + " failed (the npm registry or npm's cache is needed once):\n" + npm.stderr);
            }
            Files.writeString(stamp, lock);
        }
        validator = dir;
        return dir;
    }

    private record Result(int exit, String stdout, String stderr) {}

    private static Result run(Duration timeout, Path dir, String... command) throws IOException {
        Path out = Files.createTempFile(BUILD, "k8s-", ".out");
        Path err = Files.createTempFile(BUILD, "k8s-", ".err");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).directory(dir.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            } catch (IOException e) {
                throw new AssertionError(command[0] + " is not on the PATH: the manifests tests need kubectl (1.27 or later, "
                        + "with kustomize built in) and node 20+ with npm to check k8s/. Install them, do not skip this. ("
                        + e.getMessage() + ")", e);
            }
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    // ---- what the node reads and exports ----------------------------------------------------------------------------

    /** ${?ROOKERY_X} in reference.conf, ${ROOKERY_X} / ${ROOKERY_X:-default} in logback.xml. */
    static Set<String> variablesTheNodeReads() throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher hocon = Pattern.compile("\\$\\{\\?(ROOKERY_[A-Z0-9_]+)}").matcher(Files.readString(REFERENCE_CONF));
        while (hocon.find()) names.add(hocon.group(1));
        Matcher logback = Pattern.compile("\\$\\{(ROOKERY_[A-Z0-9_]+)(:-[^}]*)?}").matcher(Files.readString(LOGBACK_XML));
        while (logback.find()) names.add(logback.group(1));
        return names;
    }

    /** Metric names the node registers: string literals xmpp_... / rookery_... in cluster-node's main sources. */
    static Set<String> metricsTheNodeExports() throws IOException {
        Set<String> names = new TreeSet<>();
        Pattern literal = Pattern.compile("\"((?:xmpp|rookery)_[a-z0-9_]+)\"");
        try (Stream<Path> files = Files.walk(ROOT.resolve("cluster-node/src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = literal.matcher(Files.readString(f));
                while (m.find()) names.add(m.group(1));
            }
        }
        return names;
    }

    // ---- where things are ---------------------------------------------------------------------------------------------

    private static Path testClasses() {
        try {
            return Path.of(Manifests.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path repositoryRoot() {
        for (Path p = testClasses(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("k8s/base/kustomization.yaml")) && Files.exists(p.resolve("cluster-node"))) return p;
        }
        throw new IllegalStateException("no k8s/base/kustomization.yaml above " + testClasses());
    }

    /** cluster-node's build folder (target, or target-NAME with -Drookery.target). */
    private static Path buildDirectory() {
        return testClasses().getParent();
    }
}
