package io.rookery.persistence.roster;

import io.rookery.persistence.user.UserEvent;
import java.util.Objects;

/** The pending subscription request from this bare JID was answered or withdrawn. */
public record SubscriptionRequestCleared(String fromJid) implements UserEvent {

    public SubscriptionRequestCleared {
        Objects.requireNonNull(fromJid, "fromJid");
    }
}
