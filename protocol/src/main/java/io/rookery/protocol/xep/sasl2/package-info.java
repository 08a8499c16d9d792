/**
 * XEP-0388 Extensible SASL Profile 0.4.0 ({@code urn:xmpp:sasl:2}) and XEP-0386 Bind 2 0.4.0
 * ({@code urn:xmpp:bind:0}): the elements of a SASL2 negotiation (the stream feature with its inline features, the
 * client's {@code <authenticate/>} with its user agent and inline requests, challenges, success and failure) as the
 * server reads and writes them. Upgrade tasks (XEP-0480) and other {@code <continue/>} tasks are not offered.
 */
package io.rookery.protocol.xep.sasl2;
