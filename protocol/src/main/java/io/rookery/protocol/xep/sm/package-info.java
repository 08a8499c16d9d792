/** XEP-0198 Stream Management 1.6.3 ({@code urn:xmpp:sm:3}): its elements and its counter arithmetic. */
package io.rookery.protocol.xep.sm;
