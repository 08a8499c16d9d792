/**
 * XEP-0050 Ad-Hoc Commands 1.3.0: the {@code <command xmlns='http://jabber.org/protocol/commands'/>} element as a
 * requester sends it ({@link io.rookery.protocol.xep.adhoc.AdHoc#parse}) and as a responder answers (status, actions,
 * notes, payload), and the specific error conditions of §4.6 with their general ones. {@link
 * io.rookery.protocol.xep.adhoc.AdminForm} writes and reads the data forms of XEP-0133 Service Administration 1.3.0
 * (FORM_TYPE {@code http://jabber.org/protocol/admin}), the profile of these commands a server offers.
 *
 * <p>Not modelled: XEP-0066 out-of-band payloads, the {@code xml:lang} of a command (bad-locale is never sent: every
 * answer is in English), commands announced in a message (§3.3).
 */
package io.rookery.protocol.xep.adhoc;
