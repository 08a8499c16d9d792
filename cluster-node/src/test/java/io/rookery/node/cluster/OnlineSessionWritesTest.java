package io.rookery.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OnlineSessionWritesTest {
    private record Write(int bucket, List<OnlineSessionWrites.Op> ops) {}

    private final List<Runnable> scheduled = new ArrayList<>();
    private final List<Write> written = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();
    private CompletableFuture<Object> answer = CompletableFuture.completedFuture(null);
    private final OnlineSessionWrites writes = new OnlineSessionWrites(64,
            (bucket, ops) -> {
                written.add(new Write(bucket, List.copyOf(ops)));
                return answer;
            },
            scheduled::add, failures::add);

    private void flush() {
        assertEquals(1, scheduled.size(), "one flush per window");
        scheduled.remove(0).run();
    }

    @Test
    void theBindsOfOneWindowAreOneWriteToOneBucket() {
        int a = writes.bound("a@example.com", "desk");
        int b = writes.bound("b@example.com", "phone");
        int c = writes.bound("c@example.com", "desk");
        assertEquals(a, b);
        assertEquals(a, c);
        assertTrue(written.isEmpty(), "nothing is written before the window ends");
        flush();
        assertEquals(1, written.size());
        assertEquals(a, written.get(0).bucket());
        assertEquals(List.of("a@example.com", "b@example.com", "c@example.com"),
                written.get(0).ops().stream().map(OnlineSessionWrites.Op::jid).toList());
        assertTrue(written.get(0).ops().stream().allMatch(OnlineSessionWrites.Op::insert));
    }

    @Test
    void eachWindowTakesTheNextBucketAndAnUnbindGoesWhereItsBindWent() {
        int first = writes.bound("a@example.com", "desk");
        flush();
        int second = writes.bound("b@example.com", "desk");
        assertNotEquals(first, second);
        writes.unbound(first, "a@example.com", "desk");
        flush();
        assertEquals(3, written.size());
        Write later = written.get(1).bucket() == first ? written.get(1) : written.get(2);
        assertEquals(first, later.bucket());
        OnlineSessionWrites.Op unbind = later.ops().get(0);
        assertFalse(unbind.insert());
        assertTrue(unbind.micros() > written.get(0).ops().get(0).micros(), "the unbind is later than the bind");
    }

    @Test
    void aBindAndItsUnbindInOneWindowHaveIncreasingTimestamps() {
        for (int i = 0; i < 1000; i++) {
            int bucket = writes.bound("a@example.com", "r" + i);
            writes.unbound(bucket, "a@example.com", "r" + i);
        }
        flush();
        long last = Long.MIN_VALUE;
        for (Write w : written) {
            for (OnlineSessionWrites.Op op : w.ops()) {
                assertTrue(op.micros() > last, "timestamps are strictly increasing");
                last = op.micros();
            }
        }
    }

    @Test
    void aLargeWindowIsSplitIntoBatchesOfBoundedSize() {
        int n = OnlineSessionWrites.MAX_BATCH * 2 + 5;
        for (int i = 0; i < n; i++) writes.bound("u" + i + "@example.com", "r");
        flush();
        assertEquals(List.of(OnlineSessionWrites.MAX_BATCH, OnlineSessionWrites.MAX_BATCH, 5),
                written.stream().map(w -> w.ops().size()).toList());
        assertEquals(n, written.stream().mapToInt(w -> w.ops().size()).sum());
    }

    @Test
    void afterCloseNothingIsWritten() {
        writes.bound("a@example.com", "desk");
        writes.close();
        flush();
        writes.bound("b@example.com", "desk");
        scheduled.forEach(Runnable::run);
        assertTrue(written.isEmpty());
    }

    @Test
    void aFailedWriteIsReported() {
        answer = CompletableFuture.failedFuture(new IllegalStateException("cassandra is down"));
        writes.bound("a@example.com", "desk");
        flush();
        assertEquals(1, failures.size());
    }
}
