package io.rookery.persistence.roster;

/**
 * The subscription state of a roster item (RFC 6121 §2.1.2.5), seen from the roster's owner: {@code TO} means the
 * owner receives the contact's presence, {@code FROM} that the contact receives the owner's. Persisted as a fixed
 * code per constant, not its ordinal, so the declaration order may change.
 */
public enum Subscription {
    NONE("none"),
    TO("to"),
    FROM("from"),
    BOTH("both");

    private final String value;

    Subscription(String value) {
        this.value = value;
    }

    /** The value of the roster item's {@code subscription} attribute. */
    public String value() {
        return value;
    }

    /** The constant for a {@code subscription} attribute value; "remove" is an operation, not a state. */
    public static Subscription fromValue(String value) {
        for (Subscription s : values()) {
            if (s.value.equals(value)) return s;
        }
        throw new IllegalArgumentException("unknown roster subscription '" + value + "'");
    }
}
