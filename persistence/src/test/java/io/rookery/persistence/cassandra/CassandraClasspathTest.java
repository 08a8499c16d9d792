package io.rookery.persistence.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the real Maven resolution; the jars come from the local repository after the first download. */
class CassandraClasspathTest {

    @Test
    void resolvesCassandraOnceAndResolvesAgainWhenACachedJarIsGone() throws Exception {
        Path runtime = Path.of(CassandraClasspathTest.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI()).getParent().resolve("cassandra-classpath-test");
        Files.createDirectories(runtime);
        Files.deleteIfExists(runtime.resolve("classpath.txt"));

        List<Path> resolved = CassandraClasspath.resolve(runtime);
        assertTrue(resolved.stream().anyMatch(p -> p.getFileName().toString().equals("cassandra-all-5.0.9.jar")),
                resolved.toString());
        assertTrue(CassandraClasspath.jammJar(resolved).getFileName().toString().startsWith("jamm-"));
        assertTrue(resolved.stream().noneMatch(p -> p.getFileName().toString().startsWith("rookery-")),
                "Rookery's own jars must stay off the Cassandra classpath");

        Path cached = runtime.resolve("classpath.txt");
        String gone = runtime.resolve("no-such.jar").toString();
        Files.writeString(cached, Files.readString(cached).strip() + java.io.File.pathSeparator + gone);
        List<Path> again = CassandraClasspath.resolve(runtime);
        assertEquals(resolved, again);
        assertFalse(Files.readString(cached).contains("no-such.jar"));
    }
}
