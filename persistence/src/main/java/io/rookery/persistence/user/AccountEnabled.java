package io.rookery.persistence.user;

/** An administrator re-enabled a disabled account (XEP-0133 §4.4): it may log in again. */
public record AccountEnabled(long enabledAtMillis) implements UserEvent {
}
