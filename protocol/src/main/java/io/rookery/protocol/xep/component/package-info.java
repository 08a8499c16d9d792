/**
 * XEP-0114 Jabber Component Protocol 1.6, the "accept" side: the {@code jabber:component:accept} stream a component
 * opens to a server, its {@code <handshake/>} (SHA-1 of the stream id and the shared secret, §3), and the
 * translation of its stanzas to and from {@code jabber:client}. The "connect" method, where the server dials the
 * component, is not implemented.
 */
package io.rookery.protocol.xep.component;
