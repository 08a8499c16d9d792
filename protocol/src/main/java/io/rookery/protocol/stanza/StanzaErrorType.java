package io.rookery.protocol.stanza;

/** The error types of RFC 6120 §8.3.2: what the sender may do next. */
public enum StanzaErrorType {
    AUTH,
    CANCEL,
    CONTINUE,
    MODIFY,
    WAIT;

    private final String value = name().toLowerCase(java.util.Locale.ROOT);

    /** The 'type' attribute value, e.g. {@code cancel}. */
    public String value() {
        return value;
    }

    /** The type with this attribute value, or null. */
    public static StanzaErrorType fromValue(String value) {
        for (StanzaErrorType t : values()) {
            if (t.value.equals(value)) {
                return t;
            }
        }
        return null;
    }
}
