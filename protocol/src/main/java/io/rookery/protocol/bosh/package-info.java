/**
 * XEP-0124 (Bidirectional-streams Over Synchronous HTTP) 1.11.2 with XEP-0206 (XMPP Over BOSH) 1.4: the
 * {@code <body/>} wrapper read and written. Not supported: multiple streams in one session (§18, optional), key
 * sequencing (§15, optional: sessions are under TLS or on loopback), content encodings ({@code accept}).
 */
package io.rookery.protocol.bosh;
