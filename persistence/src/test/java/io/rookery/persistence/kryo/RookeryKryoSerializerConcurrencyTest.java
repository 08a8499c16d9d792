package io.rookery.persistence.kryo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rookery.persistence.kryo.TestMessages.Holder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RookeryKryoSerializerConcurrencyTest {

    private static final int THREADS = 8;
    private static final int ROUNDS = 2_000;

    private static ActorSystem<Void> system;
    private static RookeryKryoSerializer serializer;

    @BeforeAll
    static void start() {
        system = KryoTestSystem.start("kryo-concurrency-test");
        serializer = KryoTestSystem.serializer(system);
    }

    @AfterAll
    static void stop() {
        system.terminate();
    }

    /** Every thread checks its own results against bytes computed alone, before any contention. */
    @Test
    void givesTheSameResultsWhenUsedFromManyThreadsAtOnce() throws Exception {
        List<Holder> samples = new ArrayList<>();
        List<byte[]> expectedBytes = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            // Every eighth sample is larger than the 4 KiB initial buffer, so buffers grow and shrink under load.
            String text = "v" + i + (i % 8 == 0 ? "x".repeat(6_000) : "");
            Holder sample = new Holder(List.of(i, text, Map.of("k" + i, (long) i * 31)));
            samples.add(sample);
            expectedBytes.add(serializer.toBinary(sample));
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    go.await();
                    int checked = 0;
                    for (int r = 0; r < ROUNDS; r++) {
                        int i = (r * 7 + offset) % samples.size();
                        byte[] bytes = serializer.toBinary(samples.get(i));
                        assertArrayEquals(expectedBytes.get(i), bytes, "bytes of sample " + i);
                        assertEquals(samples.get(i), serializer.fromBinary(bytes));
                        checked++;
                    }
                    return checked;
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get(60, TimeUnit.SECONDS);
            }
            assertEquals(THREADS * ROUNDS, total);
        } finally {
            pool.shutdownNow();
        }
    }
}
