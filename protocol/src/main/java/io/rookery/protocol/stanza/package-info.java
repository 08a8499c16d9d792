/**
 * RFC 6120 stream errors (§4.9), stanza errors (§8.3) and stanza helpers, plus the namespace names of RFC 6120,
 * RFC 6121 and the core XEPs.
 */
package io.rookery.protocol.stanza;
