package io.rookery.persistence.roster;

import io.rookery.persistence.user.UserEvent;
import java.util.Objects;

/**
 * A subscription request from this bare JID awaits the user's answer (RFC 6121 §3.1.3); the presence stanza is
 * kept to be shown again at each login. Replaces an earlier request from the same JID.
 */
public record SubscriptionRequestStored(String fromJid, String presenceXml) implements UserEvent {

    public SubscriptionRequestStored {
        Objects.requireNonNull(fromJid, "fromJid");
        Objects.requireNonNull(presenceXml, "presenceXml");
    }
}
