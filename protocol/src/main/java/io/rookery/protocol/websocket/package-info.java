/** RFC 7395: XMPP over WebSocket, as a translation of its framing to and from an RFC 6120 stream. */
package io.rookery.protocol.websocket;
