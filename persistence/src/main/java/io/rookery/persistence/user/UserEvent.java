package io.rookery.persistence.user;

import io.rookery.persistence.kryo.KryoSerializable;

/**
 * Something that happened to a user account, persisted in the user's entity journal. Not sealed: the events of
 * each feature (roster, offline messages, blocking, ...) live in that feature's package.
 */
public interface UserEvent extends KryoSerializable {
}
