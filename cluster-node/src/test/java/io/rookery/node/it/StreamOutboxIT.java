package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.datastax.oss.driver.api.core.CqlSession;
import io.rookery.persistence.sm.CassandraStreamOutbox;
import io.rookery.persistence.sm.StreamOutbox;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * XEP-0198 streams kept for resumption after a node loss, in the real Cassandra table ({@code sm_streams}): the header
 * alone and with rows, rows above a count, a resumed stream renumbering what it sends again, the recent rows a
 * resumed stream compares repeats with, and the end of a stream.
 */
class StreamOutboxIT {
    /** The keyspace the test nodes use: its schema is applied once for all of them. */
    private static final String KEYSPACE = "rookery";
    private static CqlSession cql;
    private static StreamOutbox outbox;

    @BeforeAll
    static void start() throws Exception {
        ItEnvironment.applySchema(KEYSPACE);
        cql = TestNodes.cassandra().sessionBuilder().build();
        outbox = new CassandraStreamOutbox(cql, KEYSPACE, 3600);
    }

    @AfterAll
    static void stop() {
        if (cql != null) cql.close();
    }

    private static StreamOutbox.Header header(long handled, long acknowledged) {
        return new StreamOutbox.Header("alice@localhost", "desk", handled, acknowledged, "<presence/>", 8,
                "pekko://rookery@127.0.0.1:1/system/s#1");
    }

    private static List<Long> seqs(List<StreamOutbox.Entry> entries) {
        return entries.stream().map(StreamOutbox.Entry::seq).toList();
    }

    @Test
    void aStreamIsReadBackAboveACountWithItsHeaderEvenWhenNoRowIsAboveIt() {
        String id = UUID.randomUUID().toString();
        assertNull(outbox.read(id, 0).toCompletableFuture().join(), "unknown");
        outbox.write(id, header(0, 0), List.of(), -1).toCompletableFuture().join();
        StreamOutbox.Stream empty = outbox.read(id, Long.MAX_VALUE).toCompletableFuture().join();
        assertNotNull(empty, "the header alone");
        assertEquals(header(0, 0), empty.header());
        assertEquals(List.of(), empty.entries());

        outbox.write(id, header(2, 0), List.of(new StreamOutbox.Entry(1, "<message id='m1'/>"),
                new StreamOutbox.Entry(2, "<message id='m2'/>")), -1).toCompletableFuture().join();
        outbox.write(id, header(3, 1), List.of(new StreamOutbox.Entry(4, "<message id='m4'/>")), -1)
                .toCompletableFuture().join();
        StreamOutbox.Stream s = outbox.read(id, 1).toCompletableFuture().join();
        assertEquals(header(3, 1), s.header(), "the last header written");
        assertEquals(List.of(2L, 4L), seqs(s.entries()));
        assertEquals("<message id='m4'/>", s.entries().get(1).stanza());
        assertEquals(List.of(), outbox.read(id, 4).toCompletableFuture().join().entries());
    }

    @Test
    void aResumedStreamClearsWhatIsAboveTheClientsCountAndNumbersItAfresh() {
        String id = UUID.randomUUID().toString();
        outbox.write(id, header(0, 0), List.of(new StreamOutbox.Entry(1, "<message id='a'/>"),
                new StreamOutbox.Entry(3, "<message id='b'/>"), new StreamOutbox.Entry(5, "<message id='c'/>")), -1)
                .toCompletableFuture().join();
        // The client handled 1; b and c are sent again as 2 and 3, and nothing is left at 5.
        outbox.write(id, header(0, 1), List.of(new StreamOutbox.Entry(2, "<message id='b'/>"),
                new StreamOutbox.Entry(3, "<message id='c'/>")), 1).toCompletableFuture().join();
        StreamOutbox.Stream s = outbox.read(id, 1).toCompletableFuture().join();
        assertEquals(List.of(2L, 3L), seqs(s.entries()), "cleared rows above 1, the new ones kept");
        assertEquals("<message id='c'/>", s.entries().get(1).stanza());
        assertEquals(List.of(1L), seqs(outbox.read(id, 0).toCompletableFuture().join().entries()).subList(0, 1));
    }

    @Test
    void theRecentRowsComeNewestFirstUpToACountAndALimit() {
        String id = UUID.randomUUID().toString();
        for (long i = 1; i <= 6; i++) {
            outbox.write(id, header(0, 0), List.of(new StreamOutbox.Entry(i, "<message id='r" + i + "'/>")), -1)
                    .toCompletableFuture().join();
        }
        assertEquals(List.of(4L, 3L, 2L), seqs(outbox.recent(id, 4, 3, 120).toCompletableFuture().join()));
        assertEquals(List.of(6L, 5L, 4L, 3L, 2L, 1L),
                seqs(outbox.recent(id, 100, 10, 120).toCompletableFuture().join()));
    }

    @Test
    void anEndedStreamIsGone() {
        String id = UUID.randomUUID().toString();
        outbox.write(id, header(1, 0), List.of(new StreamOutbox.Entry(1, "<message/>")), -1).toCompletableFuture()
                .join();
        outbox.delete(id).toCompletableFuture().join();
        assertNull(outbox.read(id, 0).toCompletableFuture().join());
    }
}
