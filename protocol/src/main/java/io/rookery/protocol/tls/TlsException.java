package io.rookery.protocol.tls;

/**
 * The TLS session failed (bad record, handshake failure, protocol refused, misuse after close) and the connection must
 * be closed. Checked on purpose: the caller has to decide, at each call site, to send {@link #alertBytes()} before it
 * closes, which an unchecked exception would let it forget.
 */
public final class TlsException extends Exception {
    /** Why the session ended, for callers that count or log refusals apart from ordinary failures. */
    public enum Kind {
        /** The peer or the engine broke the session: bad input, a failed handshake, misuse. */
        FAILURE,
        /** The peer asked for a TLS 1.2 renegotiation after the first handshake, which the codec never allows. */
        RENEGOTIATION_REFUSED
    }

    private final byte[] alertBytes;
    private final Kind kind;

    public TlsException(String message, Throwable cause, byte[] alertBytes) {
        this(Kind.FAILURE, message, cause, alertBytes);
    }

    public TlsException(Kind kind, String message, Throwable cause, byte[] alertBytes) {
        super(message, cause);
        this.kind = kind;
        this.alertBytes = alertBytes == null ? TlsCodec.EMPTY : alertBytes;
    }

    /** Network bytes (a TLS alert) to write to the peer before closing; empty when there is none. */
    public byte[] alertBytes() { return alertBytes; }

    public Kind kind() { return kind; }
}
