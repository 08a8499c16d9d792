package io.rookery.protocol.tls;

/**
 * The TLS session failed (bad record, handshake failure, protocol refused, misuse after close) and the connection must
 * be closed. Checked on purpose: the caller has to decide, at each call site, to send {@link #alertBytes()} before it
 * closes, which an unchecked exception would let it forget.
 */
public final class TlsException extends Exception {
    private final byte[] alertBytes;

    public TlsException(String message, Throwable cause, byte[] alertBytes) {
        super(message, cause);
        this.alertBytes = alertBytes == null ? TlsCodec.EMPTY : alertBytes;
    }

    /** Network bytes (a TLS alert) to write to the peer before closing; empty when there is none. */
    public byte[] alertBytes() { return alertBytes; }
}
