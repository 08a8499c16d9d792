package io.rookery.persistence.user;

import io.rookery.persistence.kryo.KryoSerializable;

/** Something that happened to a user account, persisted in the user's entity journal. */
public sealed interface UserEvent extends KryoSerializable permits AccountCreated, PasswordChanged, AccountDeleted {
}
