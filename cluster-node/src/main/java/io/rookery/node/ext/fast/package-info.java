/**
 * XEP-0484 Fast Authentication Streamlining Tokens 0.1.0 with HT-SHA-256-NONE and HT-SHA-256-ENDP
 * (draft-schmaus-kitten-sasl-ht): tokens issued in a SASL2 success on request, rotated when close to expiry, two per
 * client (the one in use and a newer unused one, §5.1), kept as SHA-256 digests in the account (a part of the user
 * entity), revoked by the client ({@code invalidate}) or the administrator. The login itself is the client stream's
 * (io.rookery.node.c2s.FastLogin). Not supported: TLS 0-RTT.
 */
package io.rookery.node.ext.fast;
