/**
 * XEP-0054 vcard-temp 1.2: the vCard kept whole as the client sent it (the server neither validates nor merges
 * its fields), in the account's own part of the user's state.
 *
 * <p>Not supported: vCards larger than {@link io.rookery.node.ext.vcard.VCardModule#MAX_BYTES}, removing a vCard
 * (an empty {@code <vCard/>} is stored and returned as it is), and XEP-0153 avatar hashes in presence.
 */
package io.rookery.node.ext.vcard;
