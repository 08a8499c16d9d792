package io.rookery.protocol.tls;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Buffers for {@link TlsCodec} calls, shared by all connections. A codec holds at most three for the length of one
 * call, so the number of buffers in use is bounded by the number of threads running codecs, not by connections.
 *
 * <p>Keeps at most {@code maxFree} free buffers and allocates beyond that; a buffer released when the pool is full,
 * or of a foreign size, is left to the garbage collector. Lock-free: slots are claimed with compare-and-set, and each
 * thread starts its scan at its own slot so that dispatcher threads rarely meet.
 *
 * <p>Buffers are not zeroed on release: they go back only to codecs, which never read past what the engine wrote.
 */
public final class TlsBufferPool {
    /**
     * The JDK 17 engine's {@code getPacketBufferSize()} (16,709) and {@code getApplicationBufferSize()} (16,704),
     * whichever is larger; a codec that meets a bigger session (large fragments) allocates a one-off buffer.
     */
    public static final int DEFAULT_BUFFER_SIZE = 16_709;

    private static final TlsBufferPool SHARED =
            new TlsBufferPool(DEFAULT_BUFFER_SIZE, Math.max(16, 8 * Runtime.getRuntime().availableProcessors()), false);

    private final int bufferSize;
    private final boolean direct;
    private final AtomicReferenceArray<ByteBuffer> slots;
    private final LongAdder allocations = new LongAdder();

    /**
     * @param bufferSize capacity of each pooled buffer
     * @param maxFree    how many free buffers to keep at most
     * @param direct     direct buffers instead of heap ones (heap suits the JDK provider, which works on arrays)
     */
    public TlsBufferPool(int bufferSize, int maxFree, boolean direct) {
        if (bufferSize < 1 || maxFree < 0) throw new IllegalArgumentException("bufferSize >= 1 and maxFree >= 0");
        this.bufferSize = bufferSize;
        this.direct = direct;
        this.slots = new AtomicReferenceArray<>(maxFree);
    }

    /** The process-wide pool: heap buffers of {@link #DEFAULT_BUFFER_SIZE}, up to 8 free per core (at least 16). */
    public static TlsBufferPool shared() { return SHARED; }

    /** A cleared buffer with at least {@code minCapacity} bytes (at least {@link #bufferSize()}). */
    public ByteBuffer acquire(int minCapacity) {
        if (minCapacity <= bufferSize) {
            int n = slots.length();
            int start = startSlot(n);
            for (int k = 0; k < n; k++) {
                int i = (start + k) % n;
                ByteBuffer b = slots.get(i);
                if (b != null && slots.compareAndSet(i, b, null)) return b;
            }
        }
        allocations.increment();
        int size = Math.max(minCapacity, bufferSize);
        return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }

    /** Gives a buffer back; null is ignored so callers can release unconditionally. */
    public void release(ByteBuffer b) {
        if (b == null || b.capacity() != bufferSize || b.isDirect() != direct || b.isReadOnly()) return;
        b.clear();
        int n = slots.length();
        int start = startSlot(n);
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            if (slots.get(i) == null && slots.compareAndSet(i, null, b)) return;
        }
    }

    public int bufferSize() { return bufferSize; }

    /** Free buffers held now (a snapshot; for tests and metrics). */
    public int freeCount() {
        int free = 0;
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) != null) free++;
        }
        return free;
    }

    /** Buffers allocated since creation because none was free (for tests and metrics). */
    public long allocations() { return allocations.sum(); }

    private static int startSlot(int n) {
        if (n == 0) return 0;
        long h = Thread.currentThread().getId() * 0x9E3779B97F4A7C15L;
        return (int) ((h >>> 33) % n);
    }
}
