package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.rookery.node.journal.RookeryCassandraJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rookery's journal recovers every event, in order, whatever way it finds the highest sequence number, on a real
 * Cassandra: with partitions of five sequence numbers, so that writes of several events run past partition ends (and
 * are stored in the next partition, leaving one empty), where the shortcut must stay out of the way; and with the
 * default partitions, where small entities take it.
 */
class JournalRecoveryIT {
    private static final String KEYSPACE = "journal_it";

    /** Persist these events together (one AtomicWrite), or answer the events so far. */
    private record Command(List<String> persist, ActorRef<List<String>> replyTo) {}

    private static final class Log extends EventSourcedBehavior<Command, String, List<String>> {
        Log(String id) {
            super(PersistenceId.ofUniqueId(id));
        }

        @Override
        public List<String> emptyState() {
            return new ArrayList<>();
        }

        @Override
        public CommandHandler<Command, String, List<String>> commandHandler() {
            return newCommandHandlerBuilder().forAnyState().onAnyCommand((state, cmd) -> cmd.persist().isEmpty()
                    ? Effect().none().thenRun(s -> cmd.replyTo().tell(List.copyOf(s)))
                    : Effect().persist(cmd.persist()).thenRun(s -> cmd.replyTo().tell(List.copyOf(s))));
        }

        @Override
        public EventHandler<List<String>, String> eventHandler() {
            return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> {
                state.add(event);
                return state;
            });
        }
    }

    private static Path dir;

    @BeforeAll
    static void schema() throws Exception {
        TestNodes.applySchema(KEYSPACE);
        dir = TestNodes.testDir().resolve("journal-it");
        Files.createDirectories(dir);
    }

    private static ActorTestKit system() throws Exception {
        return system(5);
    }

    private static ActorTestKit system(int partitionSize) throws Exception {
        Config config = TestNodes.nodeConfig(dir, Map.of(
                "pekko.actor.provider", "local",
                // Commands and replies stay in this JVM; the events go through the journal's serialization.
                "pekko.actor.serialize-messages", "off",
                "rookery.cassandra.keyspace", KEYSPACE,
                "pekko.persistence.cassandra.journal.target-partition-size", partitionSize,
                "datastax-java-driver.basic.contact-points", List.of(TestNodes.cqlContactPoint())));
        return ActorTestKit.create("journal-it", config);
    }

    private static List<String> events(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
    }

    private static List<String> ask(ActorTestKit kit, ActorRef<Command> log, List<String> persist) {
        TestProbe<List<String>> reply = kit.createTestProbe();
        log.tell(new Command(persist, reply.getRef()));
        return reply.expectMessageClass(List.class, Duration.ofSeconds(20));
    }

    @Test
    void everyEventComesBackAfterWritesThatRunPastPartitionEnds() throws Exception {
        String id = "spanning-" + System.nanoTime();
        List<String> expected = new ArrayList<>();
        ActorTestKit first = system();
        try {
            ActorRef<Command> log = first.spawn(new Log(id));
            // Partitions of 5: 1-3 alone (partition 0); 4-7 together (4 is in partition 0, 7 in partition 1: all are
            // stored in 1); 8 alone (1); 9-12 together (stored in 2); 13 alone (2). (A batch that leaves a whole
            // partition empty is not replayed by the plugin itself whatever the journal; with Rookery's 500,000
            // numbers per partition no batch comes near that.)
            for (List<String> write : List.of(List.of("a"), List.of("b"), List.of("c"), events("d", 4), List.of("h"),
                    events("i", 4), List.of("m"))) {
                expected.addAll(write);
                assertEquals(expected, ask(first, log, write));
            }
        } finally {
            first.shutdownTestKit();
        }
        ActorTestKit second = system();
        try {
            long before = RookeryCassandraJournal.shortRecoveries();
            ActorRef<Command> log = second.spawn(new Log(id));
            assertEquals(expected, ask(second, log, List.of()));
            assertEquals(before, RookeryCassandraJournal.shortRecoveries(), "small partitions take the plugin's way");
            expected.add("r");
            assertEquals(expected, ask(second, log, List.of("r")));
        } finally {
            second.shutdownTestKit();
        }
        ActorTestKit third = system();
        try {
            assertEquals(expected, ask(third, third.spawn(new Log(id)), List.of()));
        } finally {
            third.shutdownTestKit();
        }
    }

    @Test
    void aSmallEntityAndAnEmptyOneRecoverWithOneReadAndLoseNothing() throws Exception {
        String small = "small-" + System.nanoTime();
        ActorTestKit first = system(500_000);
        try {
            ActorRef<Command> log = first.spawn(new Log(small));
            ask(first, log, List.of("x"));
            assertEquals(List.of("x", "y", "z"), ask(first, log, List.of("y", "z")));
        } finally {
            first.shutdownTestKit();
        }
        ActorTestKit second = system(500_000);
        try {
            long before = RookeryCassandraJournal.shortRecoveries();
            ActorRef<Command> log = second.spawn(new Log(small));
            assertEquals(List.of("x", "y", "z"), ask(second, log, List.of()));
            assertEquals(List.of(), ask(second, second.spawn(new Log("never-" + System.nanoTime())), List.of()));
            assertEquals(before + 2, RookeryCassandraJournal.shortRecoveries(), "both took the one-read way");
            // The sequence goes on where the shortcut said it ended: a further recovery sees the new event too.
            assertEquals(List.of("x", "y", "z", "w"), ask(second, log, List.of("w")));
        } finally {
            second.shutdownTestKit();
        }
        ActorTestKit third = system(500_000);
        try {
            assertEquals(List.of("x", "y", "z", "w"), ask(third, third.spawn(new Log(small)), List.of()));
        } finally {
            third.shutdownTestKit();
        }
    }
}
