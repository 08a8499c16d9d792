/**
 * Server-to-server streams (RFC 6120 §4-§6 with {@code jabber:server}): XEP-0220 Server Dialback 1.4.0 with the
 * XEP-0185 key, XEP-0288 Bidirectional Server-to-Server Connections 1.0.1 (the feature and the request), and the
 * translation of stanzas between the client and server namespaces (RFC 6120 §4.8.3).
 */
package io.rookery.protocol.s2s;
