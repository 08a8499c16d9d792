/**
 * XEP-0357 Push Notifications 0.4.1: registrations in the account's part, notifications to the app server's push
 * service for messages that reach a detached resource (XEP-0198) or go to offline storage.
 *
 * <p>Not supported: notifications for a connection that is dead but not yet noticed (the session is not detached
 * until a write fails, its ping times out or TCP reports it), for groupchat messages, presence subscription requests
 * ({@code pending-subscription-count} is never sent) or other stanzas; the remote disabling of §8 (an affiliation
 * change message is ignored; the registration goes when a notification is refused); retrying a registration an
 * error disabled; in-band settings of what notifications carry (§10: they are the server's settings).
 */
package io.rookery.node.ext.push;
