package io.rookery.persistence.user;

import io.rookery.protocol.sasl.ScramCredentials;
import java.util.List;

/** The password changed; the credentials replace all earlier ones. */
public record PasswordChanged(List<ScramCredentials> credentials, long changedAtMillis) implements UserEvent {

    public PasswordChanged {
        credentials = List.copyOf(credentials);
    }
}
