package io.rookery.persistence.pep;

import io.rookery.persistence.kryo.KryoSerializable;
import java.util.Objects;

/** The avatar conversion's part of a user snapshot (and of a session's copy): the avatar's SHA-1, hex. */
public record AvatarHash(String sha1) implements KryoSerializable {
    public AvatarHash {
        Objects.requireNonNull(sha1, "sha1");
    }
}
