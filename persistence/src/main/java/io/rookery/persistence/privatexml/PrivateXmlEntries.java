package io.rookery.persistence.privatexml;

import io.rookery.persistence.kryo.KryoSerializable;
import java.util.Map;

/** The private XML module's part of a user snapshot: {@code "<element name> <namespace>"} to the element. */
public record PrivateXmlEntries(Map<String, String> entries) implements KryoSerializable {
    public PrivateXmlEntries {
        entries = Map.copyOf(entries);
    }
}
