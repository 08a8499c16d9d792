package io.rookery.persistence.cassandra;

import io.rookery.persistence.cassandra.child.ParentWatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Rookery's classes that run inside the Cassandra child ({@code io.rookery.persistence.cassandra.child}), copied as
 * class files into a folder of their own that goes on the child's class path. Not Rookery's jar: whatever it is
 * packaged with (netty, guava, logback, slf4j service files) would clash with Cassandra's.
 */
final class ChildClasses {

    /** The child JVM's main class; its first argument is Cassandra's. */
    static final String MAIN_CLASS = ParentWatch.class.getName();

    /** Each must be a single class file: no nested or anonymous classes (lambdas are fine). */
    private static final List<Class<?>> CLASSES = List.of(ParentWatch.class);

    private ChildClasses() {
    }

    /** Writes the class files under {@code dir}, replacing older copies, and returns {@code dir}. */
    static Path install(Path dir) throws IOException {
        for (Class<?> type : CLASSES) {
            String resource = type.getName().replace('.', '/') + ".class";
            Path target = dir.resolve(resource);
            Files.createDirectories(target.getParent());
            try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("class file " + resource + " not found beside " + type);
                }
                // Write then move: a half-written class file would fail the next start in a confusing way.
                Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
                Files.write(tmp, in.readAllBytes());
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return dir;
    }
}
