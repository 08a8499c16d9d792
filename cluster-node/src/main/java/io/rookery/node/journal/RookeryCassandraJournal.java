package io.rookery.node.journal;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.cassandra.journal.CassandraJournal;
import org.apache.pekko.stream.connectors.cassandra.CassandraSessionSettings;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * pekko-persistence-cassandra's journal, with a recovery that reads two partitions less. To find an entity's highest
 * sequence number, the plugin reads the highest of each partition from the one recovery starts in until it has seen
 * two empty ones: the events written together (an AtomicWrite, one Cassandra batch) are all stored in the partition
 * of the last of them, so a batch that runs past a partition's end lands in the next one, and may leave a partition
 * empty. For an account with a few events that is three reads where one says it all.
 *
 * <p>The shortcut: when the highest sequence number h found in partition p lies in the first half of p, any later
 * event would belong to a batch starting at h + 1; to be stored anywhere but p it would have to run past p's end,
 * more than half a partition ({@code target-partition-size} / 2, 250,000 events by default) in one Cassandra batch,
 * which Cassandra refuses long before (batch_size_fail_threshold, 50 KiB by default). Such a batch stored in p would
 * make h not the highest. So there is none, and h is the answer. By the same argument an entity whose partition 0 is
 * empty has no events. Everything else (h in the second half of its partition, an empty later partition, a write of
 * this entity still in flight, deletes or tags switched on, partitions under {@value #MIN_PARTITION_SIZE} numbers)
 * goes the plugin's own way. A cold login recovers its account: two Cassandra reads of its six fewer.
 *
 * <p>The plugin's class is meant to be extended (Pekko marks it {@code @InternalStableApi}, extended by its Multi-DC
 * persistence); configured as {@code pekko.persistence.cassandra.journal.class}.
 */
public final class RookeryCassandraJournal extends CassandraJournal {
    private static final AtomicLong SHORT_RECOVERIES = new AtomicLong();
    /** Below this, half a partition might fit in one batch: the shortcut's argument no longer holds. */
    static final long MIN_PARTITION_SIZE = 10_000;

    private final long partitionSize;
    /** Deletes and tags off: the plugin's highest-sequence lookup is then only the partition walk replaced here. */
    private final boolean plain;
    private final CassandraSession session;
    private final CompletionStage<PreparedStatement> selectHighest;
    private final String readProfile;
    /** This journal's writes in flight per persistence id: a recovery must wait for them (the plugin does). */
    private final ConcurrentHashMap<String, Future<?>> writing = new ConcurrentHashMap<>();

    public RookeryCassandraJournal(Config cfg, String cfgPath) {
        super(cfg, cfgPath);
        String shared = cfgPath.replaceAll("\\.journal$", "");
        Config sharedConfig = context().system().settings().config().getConfig(shared);
        Config journal = sharedConfig.getConfig("journal");
        this.partitionSize = journal.getLong("target-partition-size");
        this.plain = !journal.getBoolean("support-deletes") && !sharedConfig.getBoolean("events-by-tag.enabled");
        this.readProfile = sharedConfig.getString("read-profile");
        this.session = CassandraSessionRegistry.get(context().system())
                .sessionFor(CassandraSessionSettings.create(shared));
        this.selectHighest = session.prepare("SELECT sequence_nr FROM " + journal.getString("keyspace") + "."
                + journal.getString("table") + " WHERE persistence_id = ? AND partition_nr = ?"
                + " ORDER BY sequence_nr DESC LIMIT 1");
    }

    /** Recoveries that found their highest sequence number with one read (for tests). */
    public static long shortRecoveries() {
        return SHORT_RECOVERIES.get();
    }

    @Override
    public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
        Future<Seq<Try<BoxedUnit>>> written = super.asyncWriteMessages(messages);
        java.util.List<String> ids = new java.util.ArrayList<>(messages.size());
        scala.collection.Iterator<AtomicWrite> it = messages.iterator();
        while (it.hasNext()) {
            String id = it.next().persistenceId();
            ids.add(id);
            writing.put(id, written);
        }
        // One callback for the whole call: every write passes through here.
        FutureConverters.asJava(written).whenComplete((r, failure) -> {
            for (String id : ids) writing.remove(id, written);
        });
        return written;
    }

    @Override
    public Future<Object> asyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
        if (!plain || partitionSize < MIN_PARTITION_SIZE || writing.containsKey(persistenceId)) {
            return super.asyncReadHighestSequenceNr(persistenceId, fromSequenceNr);
        }
        long partition = partitionOf(fromSequenceNr);
        CompletionStage<Optional<Row>> highest = selectHighest.thenCompose(ps -> session.selectOne(
                ps.bind(persistenceId, partition).setExecutionProfileName(readProfile)));
        CompletionStage<Object> answer = highest.thenCompose(row -> {
            long h = row.map(r -> r.getLong("sequence_nr")).orElse(0L);
            boolean known = h > 0
                    ? h >= fromSequenceNr && partitionOf(h) == partition
                            && h - partition * partitionSize <= partitionSize / 2
                    // No event at all: the first batch, starting at 1, could only be stored in partition 0.
                    : fromSequenceNr == 0;
            if (known) {
                SHORT_RECOVERIES.incrementAndGet();
                return java.util.concurrent.CompletableFuture.completedFuture((Object) h);
            }
            return FutureConverters.asJava(super.asyncReadHighestSequenceNr(persistenceId, fromSequenceNr));
        });
        return FutureConverters.asScala(answer);
    }

    /** The plugin's partition of a sequence number. */
    private long partitionOf(long sequenceNr) {
        return (sequenceNr - 1) / partitionSize;
    }
}
