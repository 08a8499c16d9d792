/**
 * XEP-0060 Publish-Subscribe 1.26 on the wire, as XEP-0163 Personal Eventing Protocol 1.2 uses it: the namespaces,
 * the request a {@code <pubsub/>} or {@code <pubsub xmlns='…#owner'/>} element carries (§7 publisher, §8 owner use
 * cases), the {@code #event} notifications of §7.1.2, §7.2.2, §8.4 and §8.5, and the §7.1.3 / §7.2.3 errors with
 * their {@code #errors} conditions.
 */
package io.rookery.protocol.xep.pubsub;
