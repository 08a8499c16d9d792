/**
 * TLS for XMPP connections (RFC 6120 §5, STARTTLS) as a synchronous codec around {@link javax.net.ssl.SSLEngine}:
 * TLS 1.3 (RFC 8446) and TLS 1.2 (RFC 5246) only, with AEAD cipher suites (TLS 1.2: ECDHE with AES-GCM or
 * ChaCha20-Poly1305; no CBC, no SHA-1 MAC), server side, no client certificates, no ALPN. Also computes the
 * tls-server-end-point channel binding (RFC 5929 §4.1) that SCRAM-*-PLUS uses.
 *
 * <p>Built for many idle connections: a {@link io.rookery.protocol.tls.TlsCodec} borrows its ~16 KiB network and
 * application buffers from a shared {@link io.rookery.protocol.tls.TlsBufferPool} for the length of one call and
 * keeps only the engine and a partial record between calls (Pekko's stock TLS stage keeps four such buffers per
 * connection, about 120 KiB idle).
 *
 * <p>TLS 1.2 renegotiation is refused by the codec whichever side starts it, without depending on the JVM-wide
 * {@code jdk.tls.rejectClientInitiatedRenegotiation}: the connection is closed
 * ({@link io.rookery.protocol.tls.TlsException.Kind#RENEGOTIATION_REFUSED}).
 *
 * <p>Not supported: tls-unique and tls-exporter bindings, renegotiation, SSLv2-format hellos.
 */
package io.rookery.protocol.tls;
