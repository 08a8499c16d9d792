package io.rookery.persistence.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The file handling of {@link CassandraSchema}; applying it to a real node is in {@link CassandraLauncherTest}. */
class CassandraSchemaTest {

    private static final String SIMPLE = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

    @Test
    void splitsStatementsAtSemicolonsThatEndALineAndDropsCommentLines() {
        String file = """
                -- a comment; with a semicolon at its end;
                CREATE TABLE IF NOT EXISTS ${keyspace}.a (
                  id text PRIMARY KEY,
                  note text) WITH comment = 'a;b';
                INSERT INTO ${keyspace}.a (id) VALUES ('x');\t
                """;
        List<String> statements = CassandraSchema.statements(file, "ks", SIMPLE);
        assertEquals(List.of(
                "CREATE TABLE IF NOT EXISTS ks.a (\n  id text PRIMARY KEY,\n  note text) WITH comment = 'a;b'",
                "INSERT INTO ks.a (id) VALUES ('x')"), statements);
    }

    @Test
    void substitutesKeyspaceAndReplicationEverywhere() {
        List<String> statements = CassandraSchema.statements(
                "CREATE KEYSPACE IF NOT EXISTS ${keyspace}\n  WITH REPLICATION = ${replication};", "rookery", SIMPLE);
        assertEquals(List.of("CREATE KEYSPACE IF NOT EXISTS rookery\n  WITH REPLICATION = " + SIMPLE), statements);
    }

    @Test
    void refusesAnUnknownPlaceholder() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CassandraSchema.statements("DROP TABLE IF EXISTS ${table};", "ks", SIMPLE));
        assertTrue(e.getMessage().contains("${table}"), e.getMessage());
    }

    @Test
    void refusesACreateThatCannotRunTwice() {
        assertThrows(IllegalStateException.class,
                () -> CassandraSchema.statements("CREATE TABLE ks.t (id int PRIMARY KEY);", "ks", SIMPLE));
        assertEquals(1, CassandraSchema.statements(
                "CREATE OR REPLACE FUNCTION ks.f (x int) RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE java AS "
                        + "'return x;';", "ks", SIMPLE).size());
    }

    @Test
    void refusesKeyspaceNamesCassandraWouldNotTakeUnquoted() {
        for (String bad : new String[] {"Rookery", "1rookery", "_rookery", "rook-ery", "ks; DROP KEYSPACE x", "",
                "a".repeat(49)}) {
            assertThrows(IllegalArgumentException.class, () -> CassandraSchema.checkKeyspace(bad), bad);
        }
        CassandraSchema.checkKeyspace("rookery_prod_2");
        CassandraSchema.checkKeyspace("a".repeat(48));
    }

    @Test
    void buildsReplicationMapsForBothStrategies() {
        assertEquals(SIMPLE, CassandraSchema.replicationFor("SimpleStrategy", 1));
        assertEquals("{'class': 'NetworkTopologyStrategy', 'replication_factor': 3}",
                CassandraSchema.replicationFor("org.apache.cassandra.locator.NetworkTopologyStrategy", 3));
        Map<String, Integer> dcs = new LinkedHashMap<>();
        dcs.put("eu-west", 3);
        dcs.put("datacenter1", 2);
        assertEquals("{'class': 'NetworkTopologyStrategy', 'datacenter1': 2, 'eu-west': 3}",
                CassandraSchema.networkTopology(dcs));
        assertThrows(IllegalArgumentException.class, () -> CassandraSchema.replicationFor("LocalStrategy", 1));
        assertThrows(IllegalArgumentException.class, () -> CassandraSchema.replicationFor("SimpleStrategy", 0));
        assertThrows(IllegalArgumentException.class, () -> CassandraSchema.networkTopology(Map.of("dc'1", 3)));
    }

    @Test
    void shipsVersionOneWithThePekkoPersistenceKeyspaceAndTables() {
        List<CassandraSchema.Migration> migrations = CassandraSchema.migrations();
        CassandraSchema.Migration first = migrations.get(0);
        assertEquals(1, first.version());
        assertEquals("pekko persistence", first.description());
        assertEquals(migrations.get(migrations.size() - 1).version(), CassandraSchema.latestVersion());
        for (int i = 1; i < migrations.size(); i++) {
            assertTrue(migrations.get(i).version() > migrations.get(i - 1).version());
        }

        String file = new String(readResource(first.resource()), java.nio.charset.StandardCharsets.UTF_8);
        List<String> statements = CassandraSchema.statements(file, "ks", SIMPLE);
        assertEquals("CREATE KEYSPACE IF NOT EXISTS ks\n  WITH REPLICATION = " + SIMPLE, statements.get(0));
        List<String> tables = statements.stream().skip(1)
                .map(s -> s.replaceFirst("(?s)^CREATE TABLE IF NOT EXISTS ks\\.(\\w+).*", "$1"))
                .toList();
        assertEquals(List.of("messages", "tag_views", "tag_write_progress", "tag_scanning", "metadata",
                "all_persistence_ids", "snapshots"), tables);
        assertFalse(file.contains("pekko_snapshot"), "snapshots must live in the same keyspace");
    }

    private static byte[] readResource(String name) {
        try (var in = CassandraSchemaTest.class.getClassLoader().getResourceAsStream(name)) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
