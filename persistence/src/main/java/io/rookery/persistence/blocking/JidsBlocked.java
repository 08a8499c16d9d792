package io.rookery.persistence.blocking;

import io.rookery.persistence.user.UserEvent;
import java.util.List;

/** These JIDs were added to the blocklist (XEP-0191 §3.3); some may have been on it already. */
public record JidsBlocked(List<String> jids) implements UserEvent {

    public JidsBlocked {
        jids = List.copyOf(jids);
    }
}
