/**
 * XEP-0313 Message Archive Management 1.1 (urn:xmpp:mam:2, #extended) with XEP-0359 stanza ids and XEP-0059 paging:
 * the user's archive in Cassandra, written by the user's entity, queried through it.
 */
package io.rookery.node.ext.mam;
