package io.rookery.persistence.push;

import io.rookery.persistence.kryo.KryoSerializable;
import java.util.List;

/** The push module's part of a user snapshot: the account's registrations, oldest first. */
public record PushRegistrations(List<PushEnabled> registrations) implements KryoSerializable {
    public PushRegistrations {
        registrations = List.copyOf(registrations);
    }
}
