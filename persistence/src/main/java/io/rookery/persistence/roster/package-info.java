/**
 * Persisted roster and presence subscriptions of one account: roster items with their subscription state
 * (RFC 6121 §2-3, including "pending out" and pre-approval, §3.4), the roster version (XEP-0237 Roster Versioning,
 * which RFC 6121 §2.6 took over) and inbound subscription requests waiting for the user's answer (§3.1.3).
 *
 * <p>Events implement {@link io.rookery.persistence.user.UserEvent}; their Kryo ids and byte layouts are in
 * {@code io.rookery.persistence.user.ImEventsRegistrar} and frozen by tests.
 */
package io.rookery.persistence.roster;
