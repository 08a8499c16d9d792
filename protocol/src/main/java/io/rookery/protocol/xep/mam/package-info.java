/**
 * XEP-0313 Message Archive Management 1.1 (urn:xmpp:mam:2 and urn:xmpp:mam:2#extended): queries, their results and
 * {@code <fin/>}, preferences, archive metadata.
 */
package io.rookery.protocol.xep.mam;
