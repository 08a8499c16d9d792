/**
 * RFC 6120 stream errors (§4.9), stanza errors (§8.3) and stanza helpers, plus the namespace names of RFC 6120 and
 * RFC 6121.
 */
package io.rookery.protocol.stanza;
