/**
 * The user's persisted vCard (XEP-0054 vcard-temp 1.2), kept as the serialized {@code <vCard/>} element.
 *
 * <p>Events implement {@link io.rookery.persistence.user.UserEvent}; their Kryo ids and byte layouts are in
 * {@code io.rookery.persistence.user.ImEventsRegistrar} and frozen by tests.
 */
package io.rookery.persistence.vcard;
