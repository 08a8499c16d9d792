package io.rookery.node.ext;

import io.rookery.persistence.roster.RosterItem;
import io.rookery.protocol.jid.Jid;

/** What a handler of an iq to an account may read of it. */
public interface AccountView extends PartLookup {
    /** The account's bare JID. */
    Jid jid();

    /** The account's roster item for a bare JID (RFC 6121 §2), or null. */
    RosterItem rosterItem(String bareJid);

    /** Every item of the account's roster, in no particular order. */
    java.util.List<RosterItem> rosterItems();

    /** The contacts whose subscription lets them see the user's presence (RFC 6121 §3: 'from' and 'both'). */
    default java.util.List<Jid> presenceSubscribers() {
        java.util.List<Jid> out = new java.util.ArrayList<>();
        for (RosterItem i : rosterItems()) {
            if (i.subscription() == io.rookery.persistence.roster.Subscription.FROM
                    || i.subscription() == io.rookery.persistence.roster.Subscription.BOTH) {
                try {
                    out.add(Jid.parse(i.jid()));
                } catch (io.rookery.protocol.jid.InvalidJidException e) {
                    // Items were validated when saved.
                }
            }
        }
        return out;
    }

    /**
     * XEP-0012 §4: 0 while a resource is available, else the seconds since the last one went away; -1 when that is
     * not known (it is kept in memory only, so not after a restart or passivation).
     */
    long lastActivitySeconds();

    /** The account's bound resources on this entity, in no particular order. */
    java.util.List<BoundResource> resources();

    /**
     * A module's state kept in the account's memory only (lost when the entity stops, as online resources are):
     * what the module keeps under the key, created by {@code create} on first use; null when nothing is kept and
     * create is null. Nothing is allocated for an account whose modules keep nothing.
     */
    default <S> S memo(PartKey<S> key, java.util.function.Supplier<S> create) {
        throw new UnsupportedOperationException("this view keeps no memory");
    }
}
