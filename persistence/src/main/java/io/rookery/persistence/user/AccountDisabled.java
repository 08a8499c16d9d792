package io.rookery.persistence.user;

/**
 * An administrator disabled the account (XEP-0133 §4.3): it keeps everything it owns but may not log in until
 * {@link AccountEnabled}. Also written, as it is, among the parts of a {@link UserSnapshotV3} of a disabled account.
 */
public record AccountDisabled(long disabledAtMillis) implements UserEvent {
}
