package io.rookery.persistence.user;

import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.protocol.sasl.ScramCredentials;
import java.util.List;

/** A user entity's state at some sequence number, so recovery need not replay every event. */
public record UserSnapshot(List<ScramCredentials> credentials, boolean exists) implements KryoSerializable {

    public UserSnapshot {
        credentials = List.copyOf(credentials);
    }
}
