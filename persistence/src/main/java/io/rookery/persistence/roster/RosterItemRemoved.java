package io.rookery.persistence.roster;

import io.rookery.persistence.user.UserEvent;
import java.util.Objects;

/** The item with this bare JID was removed from the roster; the roster now has this version. */
public record RosterItemRemoved(String jid, long rosterVersion) implements UserEvent {

    public RosterItemRemoved {
        Objects.requireNonNull(jid, "jid");
    }
}
