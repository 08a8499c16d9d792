/**
 * XEP-0191 Blocking Command 1.3: the commands as iq handlers, the blocklist as the account's part, and its
 * enforcement as a stanza filter (kept by the account and, as a copy, by each of its sessions).
 */
package io.rookery.node.ext.blocking;
