/**
 * XEP-0484 Fast Authentication Streamlining Tokens 0.1.0 ({@code urn:xmpp:fast:0}) with the HT-SHA-256 family of
 * draft-schmaus-kitten-sasl-ht: the inline feature, the client's {@code <request-token/>} and {@code <fast/>}, the
 * server's {@code <token/>}, and the mechanism's single round trip (initiator and responder proofs). TLS 0-RTT is
 * not offered (the JDK's TLS has no early data), so the {@code count} replay counter is not needed and is ignored.
 */
package io.rookery.protocol.xep.fast;
