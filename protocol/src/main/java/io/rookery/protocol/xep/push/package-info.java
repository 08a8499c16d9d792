/**
 * XEP-0357 Push Notifications 0.4.1 on the wire: the {@code urn:xmpp:push:0} enable (§5, with its optional
 * publish-options form) and disable (§6) requests, and the XEP-0060 publish of a {@code <notification/>} carrying the
 * {@code urn:xmpp:push:summary} form (§7) that the user's server sends to the app server's push service.
 */
package io.rookery.protocol.xep.push;
