/**
 * Persisted private XML storage (XEP-0049 Private XML Storage 1.2): one element per qualified name, readable only
 * by the account itself.
 *
 * <p>Events implement {@link io.rookery.persistence.user.UserEvent}; their Kryo ids and byte layouts are in
 * {@code io.rookery.persistence.user.ImEventsRegistrar} and frozen by tests.
 */
package io.rookery.persistence.privatexml;
