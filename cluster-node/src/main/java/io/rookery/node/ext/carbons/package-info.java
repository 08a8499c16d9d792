/**
 * XEP-0280 Message Carbons 1.0.1 ({@code urn:xmpp:carbons:2}): enabling per resource, and the sent and received
 * copies through the core's hooks.
 *
 * <p>Eligible are messages of type chat without {@code <private xmlns='urn:xmpp:carbons:2'/>} (§6.1) or
 * {@code <no-copy xmlns='urn:xmpp:hints'/>} (XEP-0334). Not supported: type normal with a body, and the other
 * cases of §6 (groupchat private messages, error messages); those are not copied.
 */
package io.rookery.node.ext.carbons;
