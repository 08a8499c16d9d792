package io.rookery.persistence.user;

import io.rookery.protocol.sasl.ScramCredentials;
import java.util.List;

/** The account was registered; one credentials entry per SCRAM hash the server offers. */
public record AccountCreated(List<ScramCredentials> credentials, long createdAtMillis) implements UserEvent {

    public AccountCreated {
        credentials = List.copyOf(credentials);
    }
}
