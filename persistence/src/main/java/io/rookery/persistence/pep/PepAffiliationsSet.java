package io.rookery.persistence.pep;

import io.rookery.persistence.user.UserEvent;
import java.util.Map;
import java.util.Objects;

/**
 * The owner changed affiliations on the node (XEP-0060 §8.9.2): bare JID to affiliation ("member", "publisher",
 * "outcast"); "none" removes the JID's.
 */
public record PepAffiliationsSet(String node, Map<String, String> affiliations) implements UserEvent {
    public PepAffiliationsSet {
        Objects.requireNonNull(node, "node");
        affiliations = Map.copyOf(affiliations);
    }
}
