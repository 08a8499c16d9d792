package io.rookery.persistence.pep;

import io.rookery.persistence.user.UserEvent;
import java.util.Objects;

/**
 * XEP-0398: the SHA-1 (hex) of the user's avatar image, as the server puts it into the user's presence
 * (XEP-0153 {@code vcard-temp:x:update}); empty when the user has no avatar any more.
 */
public record AvatarHashSet(String sha1) implements UserEvent {
    public AvatarHashSet {
        Objects.requireNonNull(sha1, "sha1");
    }
}
