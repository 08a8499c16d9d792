/**
 * Cassandra for Rookery: the versioned CQL schema ({@link io.rookery.persistence.cassandra.CassandraSchema}) and a
 * single-node Cassandra 5.0 run as a child JVM for development and tests
 * ({@link io.rookery.persistence.cassandra.CassandraLauncher}). Production clusters are run by operators; the launcher
 * is not meant for them.
 */
package io.rookery.persistence.cassandra;
