package io.rookery.persistence.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Applies the versioned CQL files {@code io/rookery/persistence/cql/V<nnn>__<description>.cql} in version order and
 * records each applied version in {@code <keyspace>.schema_version}; versions already recorded are skipped.
 *
 * <p>Files may use {@code ${keyspace}} and {@code ${replication}}. Statements end with {@code ;} at a line end; lines
 * starting with {@code --} are comments. Every statement must be safe to run twice ({@code CREATE ... IF NOT EXISTS},
 * {@code ALTER TABLE ... ADD IF NOT EXISTS}): a version interrupted halfway is run again from its start. Files are
 * append-only: once released, a version is never edited, a change is a new version.
 *
 * <p>Run it from one place at a time (a deploy job, one node): concurrent {@code CREATE TABLE} of the same table on
 * different coordinators can leave Cassandra with conflicting table ids.
 */
public final class CassandraSchema {

    static final String RESOURCE_DIR = "io/rookery/persistence/cql/";

    /** Unquoted CQL identifiers start with a letter; Cassandra caps keyspace names at 48 characters. */
    private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");
    private static final Pattern FILE_NAME = Pattern.compile("V(\\d{3,})__([A-Za-z0-9_]+)\\.cql");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern STATEMENT_END = Pattern.compile(";[ \\t]*(?:\\r?\\n|$)");
    private static final Pattern CREATE = Pattern.compile("(?is)^CREATE\\s.*");
    private static final Pattern IDEMPOTENT_CREATE =
            Pattern.compile("(?is)^CREATE\\s+(?:OR\\s+REPLACE\\s+.*|.*?\\bIF\\s+NOT\\s+EXISTS\\b.*)");
    private static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);

    /** One versioned file, its statements not yet substituted. */
    record Migration(int version, String description, String resource) {
    }

    private CassandraSchema() {
    }

    /**
     * Creates or upgrades the keyspace to the latest version.
     *
     * @param replicationJson a CQL replication map, see {@link #replicationFor(String, int)}; used only when the
     *     keyspace is created
     */
    public static void apply(CqlSession session, String keyspace, String replicationJson) {
        checkKeyspace(keyspace);
        checkReplication(replicationJson);
        Set<Integer> applied = new TreeSet<>(appliedVersions(session, keyspace));
        for (Migration migration : migrations()) {
            if (applied.contains(migration.version())) {
                continue;
            }
            for (String cql : statements(read(migration.resource()), keyspace, replicationJson)) {
                session.execute(SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT));
            }
            // Version 1 creates the keyspace, so the bookkeeping table can only follow its statements.
            createVersionTable(session, keyspace);
            session.execute(SimpleStatement.newInstance(
                            "INSERT INTO " + keyspace + ".schema_version (version, description, applied_at) "
                                    + "VALUES (?, ?, ?)",
                            migration.version(), migration.description(), Instant.now())
                    .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM));
        }
    }

    /** The versions recorded in {@code <keyspace>.schema_version}, ascending; empty when the keyspace is missing. */
    public static List<Integer> appliedVersions(CqlSession session, String keyspace) {
        checkKeyspace(keyspace);
        Row exists = session.execute(SimpleStatement.newInstance(
                "SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?", keyspace)).one();
        if (exists == null) {
            return List.of();
        }
        createVersionTable(session, keyspace);
        List<Integer> versions = new ArrayList<>();
        for (Row row : session.execute(SimpleStatement.newInstance("SELECT version FROM " + keyspace
                + ".schema_version").setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))) {
            versions.add(row.getInt("version"));
        }
        versions.sort(Comparator.naturalOrder());
        return List.copyOf(versions);
    }

    /** The highest version this build ships; a node can refuse to start against an older schema. */
    public static int latestVersion() {
        List<Migration> all = migrations();
        return all.get(all.size() - 1).version();
    }

    /**
     * A replication map for {@code SimpleStrategy} or {@code NetworkTopologyStrategy} (short or fully qualified
     * name). With NetworkTopologyStrategy the factor applies to every datacenter (Cassandra 4.0+ expands
     * {@code replication_factor}); use {@link #networkTopology(Map)} to give each datacenter its own.
     */
    public static String replicationFor(String strategy, int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1, was " + factor);
        }
        String simpleName = strategy.substring(strategy.lastIndexOf('.') + 1);
        if (simpleName.equalsIgnoreCase("SimpleStrategy")) {
            return "{'class': 'SimpleStrategy', 'replication_factor': " + factor + "}";
        }
        if (simpleName.equalsIgnoreCase("NetworkTopologyStrategy")) {
            return "{'class': 'NetworkTopologyStrategy', 'replication_factor': " + factor + "}";
        }
        throw new IllegalArgumentException("unknown replication strategy " + strategy
                + " (expected SimpleStrategy or NetworkTopologyStrategy)");
    }

    /** A NetworkTopologyStrategy map with a factor per datacenter, e.g. {@code {datacenter1=3}}. */
    public static String networkTopology(Map<String, Integer> factorsByDatacenter) {
        if (factorsByDatacenter.isEmpty()) {
            throw new IllegalArgumentException("at least one datacenter is required");
        }
        StringBuilder out = new StringBuilder("{'class': 'NetworkTopologyStrategy'");
        factorsByDatacenter.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (!e.getKey().matches("[A-Za-z0-9_.-]+") || e.getValue() < 1) {
                throw new IllegalArgumentException("bad datacenter factor " + e);
            }
            out.append(", '").append(e.getKey()).append("': ").append(e.getValue());
        });
        return out.append('}').toString();
    }

    private static void createVersionTable(CqlSession session, String keyspace) {
        session.execute(SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS " + keyspace + ".schema_version "
                + "(version int PRIMARY KEY, description text, applied_at timestamp)").setTimeout(DDL_TIMEOUT));
    }

    static void checkKeyspace(String keyspace) {
        if (keyspace == null || !KEYSPACE.matcher(keyspace).matches()) {
            throw new IllegalArgumentException("invalid keyspace name '" + keyspace
                    + "': lower-case letters, digits and '_', starting with a letter, at most 48 characters");
        }
    }

    private static void checkReplication(String replication) {
        String r = replication == null ? "" : replication.strip();
        if (!r.startsWith("{") || !r.endsWith("}") || r.indexOf(';') >= 0 || r.contains("--")) {
            throw new IllegalArgumentException("replication must be one CQL map literal such as "
                    + replicationFor("SimpleStrategy", 1) + ", was: " + replication);
        }
    }

    /** Splits a file into statements and substitutes the placeholders. */
    static List<String> statements(String text, String keyspace, String replication) {
        String withoutComments = text.lines()
                .filter(line -> !line.strip().startsWith("--"))
                .collect(Collectors.joining("\n"));
        List<String> result = new ArrayList<>();
        for (String raw : STATEMENT_END.split(withoutComments)) {
            String statement = raw.strip();
            if (statement.isEmpty()) {
                continue;
            }
            if (CREATE.matcher(statement).matches() && !IDEMPOTENT_CREATE.matcher(statement).matches()) {
                throw new IllegalStateException("statement is not safe to run twice (no IF NOT EXISTS): " + statement);
            }
            Matcher m = PLACEHOLDER.matcher(statement);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = switch (m.group(1)) {
                    case "keyspace" -> keyspace;
                    case "replication" -> replication;
                    default -> throw new IllegalStateException("unknown placeholder ${" + m.group(1) + "}");
                };
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            result.add(out.toString());
        }
        return result;
    }

    /** The versioned files shipped with this class, ascending. */
    static List<Migration> migrations() {
        List<Migration> result = new ArrayList<>();
        for (String name : resourceNames()) {
            Matcher m = FILE_NAME.matcher(name);
            if (m.matches()) {
                result.add(new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '),
                        RESOURCE_DIR + name));
            } else if (name.endsWith(".cql")) {
                throw new IllegalStateException("CQL file " + name + " is not named V<nnn>__<description>.cql");
            }
        }
        result.sort(Comparator.comparingInt(Migration::version));
        for (int i = 1; i < result.size(); i++) {
            if (result.get(i).version() == result.get(i - 1).version()) {
                throw new IllegalStateException("two CQL files share version " + result.get(i).version());
            }
        }
        if (result.isEmpty()) {
            throw new IllegalStateException("no versioned CQL files under " + RESOURCE_DIR);
        }
        return List.copyOf(result);
    }

    /** Lists the directory beside this class's code: a classes folder in builds and tests, a jar when packaged. */
    private static List<String> resourceNames() {
        try {
            var source = CassandraSchema.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                throw new IllegalStateException("cannot locate the code source of " + CassandraSchema.class);
            }
            Path location = Path.of(source.getLocation().toURI());
            if (Files.isDirectory(location)) {
                Path dir = location.resolve(RESOURCE_DIR);
                try (Stream<Path> files = Files.list(dir)) {
                    return files.map(p -> p.getFileName().toString()).sorted().toList();
                }
            }
            try (ZipFile jar = new ZipFile(location.toFile())) {
                return jar.stream()
                        .map(entry -> entry.getName())
                        .filter(n -> n.startsWith(RESOURCE_DIR) && n.indexOf('/', RESOURCE_DIR.length()) < 0)
                        .map(n -> n.substring(RESOURCE_DIR.length()))
                        .filter(n -> !n.isEmpty())
                        .sorted()
                        .toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + RESOURCE_DIR, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot list " + RESOURCE_DIR, e);
        }
    }

    private static String read(String resource) {
        try (InputStream in = CassandraSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
