/**
 * XEP-0352 Client State Indication 1.0.0: the {@code <csi/>} stream feature after authentication, and what a
 * session holds back while its client says it is inactive (the core's {@code ClientStatePolicy}).
 *
 * <p>Held back: available and unavailable presence (coalesced: the latest per sender's full JID), chat-state-only
 * messages (XEP-0085, coalesced the same way), and, in order, other messages without a body (receipts, markers,
 * PEP notifications, headlines) and presence errors and subscription changes. Urgent, written at once with everything
 * held before it: any iq, a message with a body or subject, an error, an encrypted payload (XEP-0380, XEP-0384), a
 * XEP-0353 call, a XEP-0045 or XEP-0249 invitation, a XEP-0313 result, a subscription request, the room's presence
 * for the client itself (status 110); a carbon is judged by the message it carries. Held stanzas are written in the
 * order they came, a coalesced one in the place of the latest (see {@code HeldStanzas}).
 *
 * <p>They are counted by XEP-0198 only when written. A session that detaches writes them into its stream
 * management state (sent again on resumption; the resumed stream is active, XEP-0352 §4.2); one that ends hands held
 * messages back to the account like those never written, and drops held presence and chat states. Nothing is timed: no timer per
 * session. The server's own XEP-0199 ping is an iq and so lets everything go with it, which costs no extra wake-up.
 */
package io.rookery.node.ext.csi;
