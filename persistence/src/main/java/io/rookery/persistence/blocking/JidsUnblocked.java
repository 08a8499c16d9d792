package io.rookery.persistence.blocking;

import io.rookery.persistence.user.UserEvent;
import java.util.List;

/** These JIDs were removed from the blocklist; an empty list means all of them were (XEP-0191 §3.5). */
public record JidsUnblocked(List<String> jids) implements UserEvent {

    public JidsUnblocked {
        jids = List.copyOf(jids);
    }
}
