/**
 * Persisted offline messages: message stanzas kept while none of the user's resources can take them
 * (RFC 6121 §8.5.2, XEP-0160 Best Practices for Handling Offline Messages 1.0.1), with the time they arrived so
 * that delivery can stamp them (XEP-0203 Delayed Delivery 2.0). The queue is oldest first.
 *
 * <p>Events implement {@link io.rookery.persistence.user.UserEvent}; their Kryo ids and byte layouts are in
 * {@code io.rookery.persistence.user.ImEventsRegistrar} and frozen by tests.
 */
package io.rookery.persistence.offline;
