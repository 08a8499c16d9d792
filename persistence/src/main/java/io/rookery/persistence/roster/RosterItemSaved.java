package io.rookery.persistence.roster;

import io.rookery.persistence.user.UserEvent;
import java.util.Objects;

/** The item was added or changed (replacing any item with the same JID); the roster now has this version. */
public record RosterItemSaved(RosterItem item, long rosterVersion) implements UserEvent {

    public RosterItemSaved {
        Objects.requireNonNull(item, "item");
    }
}
