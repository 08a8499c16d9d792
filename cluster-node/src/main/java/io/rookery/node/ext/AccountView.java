package io.rookery.node.ext;

import io.rookery.persistence.roster.RosterItem;
import io.rookery.protocol.jid.Jid;

/** What a handler of an iq to an account may read of it. */
public interface AccountView {
    /** The account's bare JID. */
    Jid jid();

    /** The module's part of the account's state, or null when it holds nothing. */
    <S> S part(PartKey<S> key);

    /** The account's roster item for a bare JID (RFC 6121 §2), or null. */
    RosterItem rosterItem(String bareJid);

    /**
     * XEP-0012 §4: 0 while a resource is available, else the seconds since the last one went away; -1 when that is
     * not known (it is kept in memory only, so not after a restart or passivation).
     */
    long lastActivitySeconds();

    /** The account's bound resources on this entity, in no particular order. */
    java.util.List<BoundResource> resources();
}
