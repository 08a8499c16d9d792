package io.rookery.persistence.roster;

import java.util.List;
import java.util.Objects;

/**
 * One contact in a roster (RFC 6121 §2.1.2).
 *
 * @param jid the contact's bare JID, as a string
 * @param name the user's name for the contact, or null
 * @param groups the groups the item is in, possibly none; stored as an immutable copy (null means none)
 * @param subscription the subscription state (RFC 6121 §2.1.2.5)
 * @param pendingOut the user asked for the contact's presence and has no answer yet (RFC 6121 §3.1.2, "ask")
 * @param approved the user pre-approved a subscription request from the contact (RFC 6121 §3.4)
 */
public record RosterItem(String jid, String name, List<String> groups, Subscription subscription, boolean pendingOut,
        boolean approved) {

    public RosterItem {
        Objects.requireNonNull(jid, "jid");
        groups = groups == null ? List.of() : List.copyOf(groups);
        Objects.requireNonNull(subscription, "subscription");
    }

    public RosterItem withSubscription(Subscription s) {
        return new RosterItem(jid, name, groups, s, pendingOut, approved);
    }

    public RosterItem withPendingOut(boolean pending) {
        return new RosterItem(jid, name, groups, subscription, pending, approved);
    }

    public RosterItem withApproved(boolean approve) {
        return new RosterItem(jid, name, groups, subscription, pendingOut, approve);
    }

    public RosterItem withNameAndGroups(String newName, List<String> newGroups) {
        return new RosterItem(jid, newName, newGroups, subscription, pendingOut, approved);
    }
}
