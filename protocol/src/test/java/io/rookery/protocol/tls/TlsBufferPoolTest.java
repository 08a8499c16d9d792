package io.rookery.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TlsBufferPoolTest {

    @Test
    void reusesAReleasedBufferCleared() {
        TlsBufferPool pool = new TlsBufferPool(1024, 2, false);
        ByteBuffer b = pool.acquire(0);
        b.put((byte) 1);
        pool.release(b);

        ByteBuffer again = pool.acquire(100);

        assertSame(b, again);
        assertEquals(0, again.position());
        assertEquals(1024, again.limit());
        assertEquals(1, pool.allocations());
    }

    @Test
    void keepsNoMoreThanMaxFreeBuffers() {
        TlsBufferPool pool = new TlsBufferPool(1024, 2, false);
        ByteBuffer[] taken = {pool.acquire(0), pool.acquire(0), pool.acquire(0)};
        for (ByteBuffer b : taken) pool.release(b);

        assertEquals(2, pool.freeCount());
        assertEquals(3, pool.allocations());
    }

    @Test
    void allocatesLargerRequestsWithoutKeepingThem() {
        TlsBufferPool pool = new TlsBufferPool(1024, 2, false);
        ByteBuffer big = pool.acquire(4096);
        assertTrue(big.capacity() >= 4096);
        pool.release(big);
        pool.release(ByteBuffer.allocate(512));

        assertEquals(0, pool.freeCount());
    }

    @Test
    void handsOutDirectBuffersWhenAskedTo() {
        TlsBufferPool pool = new TlsBufferPool(1024, 2, true);
        ByteBuffer b = pool.acquire(0);
        assertTrue(b.isDirect());
        pool.release(ByteBuffer.allocate(1024));
        pool.release(b);

        assertEquals(1, pool.freeCount());
        assertNotSame(b, pool.acquire(2048));
    }

    @Test
    void servesCodecsOnManyThreadsWithoutHandingOneBufferToTwo() throws Exception {
        TlsBufferPool pool = new TlsBufferPool(TlsBufferPool.DEFAULT_BUFFER_SIZE, 4, false);
        TestTls.Keys keys = TestTls.ec();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                runs.add(threads.submit(() -> {
                    Random rnd = new Random(seed);
                    for (int i = 0; i < 10; i++) {
                        InMemoryLink link = new InMemoryLink(keys.clientCodec(pool), keys.serverCodec(pool),
                                InMemoryLink.random(seed * 100 + i)).handshake();
                        byte[] up = new byte[rnd.nextInt(70_000)];
                        byte[] down = new byte[rnd.nextInt(70_000)];
                        rnd.nextBytes(up);
                        rnd.nextBytes(down);
                        link.clientWrites(up);
                        link.serverWrites(down);
                        link.pump();
                        assertArrayEquals(up, link.serverReceived.toByteArray());
                        assertArrayEquals(down, link.clientReceived.toByteArray());
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) run.get(60, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        assertEquals(4, pool.freeCount());
    }

    @Test
    void sharedPoolFitsTheJdkEnginesBuffers() throws Exception {
        var session = TestTls.ec().client().createSSLEngine().getSession();

        assertTrue(TlsBufferPool.shared().bufferSize() >= session.getPacketBufferSize());
        assertTrue(TlsBufferPool.shared().bufferSize() >= session.getApplicationBufferSize());
    }
}
