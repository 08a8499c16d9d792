/**
 * The persisted blocklist: bare or full JIDs the user blocked (XEP-0191 Blocking Command 1.3).
 *
 * <p>Events implement {@link io.rookery.persistence.user.UserEvent}; their Kryo ids and byte layouts are in
 * {@code io.rookery.persistence.user.ImEventsRegistrar} and frozen by tests.
 */
package io.rookery.persistence.blocking;
