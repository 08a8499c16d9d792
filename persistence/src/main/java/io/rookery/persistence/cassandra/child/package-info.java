/**
 * Code that runs inside the Cassandra child JVM, on Cassandra's class path rather than Rookery's: the JDK is all it
 * may use. {@link io.rookery.persistence.cassandra.CassandraLauncher} copies these classes beside the child.
 */
package io.rookery.persistence.cassandra.child;
