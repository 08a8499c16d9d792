package io.rookery.protocol.tls;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Collects the output of one codec call; sized exactly on the first write so a one-record call copies once. */
final class ByteSink {
    private byte[] buf;
    private int count;

    /** Moves everything written into {@code b} (write mode) here and clears {@code b}. */
    void drain(ByteBuffer b) {
        b.flip();
        int n = b.remaining();
        if (n > 0) {
            ensure(n);
            b.get(buf, count, n);
            count += n;
        }
        b.clear();
    }

    byte[] toArray() {
        if (count == 0) return TlsCodec.EMPTY;
        return count == buf.length ? buf : Arrays.copyOf(buf, count);
    }

    private void ensure(int n) {
        if (buf == null) {
            buf = new byte[n];
        } else if (count + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(count + n, buf.length * 2));
        }
    }
}
