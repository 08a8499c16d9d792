package io.rookery.persistence.pubsub;

import java.util.Objects;

/**
 * §8.9.2: the bare JID now has this affiliation ("owner", "publisher", "publish-only", "member", "outcast"); "none"
 * removes it.
 */
public record NodeAffiliationSet(String jid, String affiliation) implements NodeEvent {
    public NodeAffiliationSet {
        Objects.requireNonNull(jid, "jid");
        Objects.requireNonNull(affiliation, "affiliation");
    }
}
