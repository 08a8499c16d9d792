package io.rookery.persistence.user;

/** The account was removed; its credentials are gone and the name may be registered again. */
public record AccountDeleted(long deletedAtMillis) implements UserEvent {
}
