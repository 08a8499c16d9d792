package io.rookery.persistence.privatexml;

import io.rookery.persistence.user.UserEvent;
import java.util.Objects;

/**
 * The element stored under {@code key}, which is {@code "<element name> <namespace>"}, replaces the previous one.
 *
 * @param key the element's local name and namespace, separated by one space
 * @param xml the serialized element
 */
public record PrivateXmlStored(String key, String xml) implements UserEvent {

    public PrivateXmlStored {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(xml, "xml");
    }
}
