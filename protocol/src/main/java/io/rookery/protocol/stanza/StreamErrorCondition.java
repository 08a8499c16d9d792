package io.rookery.protocol.stanza;

/** The defined stream error conditions of RFC 6120 §4.9.3. */
public enum StreamErrorCondition {
    BAD_FORMAT,
    BAD_NAMESPACE_PREFIX,
    CONFLICT,
    CONNECTION_TIMEOUT,
    HOST_GONE,
    HOST_UNKNOWN,
    IMPROPER_ADDRESSING,
    INTERNAL_SERVER_ERROR,
    INVALID_FROM,
    INVALID_NAMESPACE,
    INVALID_XML,
    NOT_AUTHORIZED,
    NOT_WELL_FORMED,
    POLICY_VIOLATION,
    REMOTE_CONNECTION_FAILED,
    RESET,
    RESOURCE_CONSTRAINT,
    RESTRICTED_XML,
    /** Carries the other host as the condition element's text (§4.9.3.19); {@link StreamError} cannot yet. */
    SEE_OTHER_HOST,
    SYSTEM_SHUTDOWN,
    UNDEFINED_CONDITION,
    UNSUPPORTED_ENCODING,
    UNSUPPORTED_FEATURE,
    UNSUPPORTED_STANZA_TYPE,
    UNSUPPORTED_VERSION;

    private final String elementName = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');

    /** The condition element's local name, e.g. {@code not-well-formed}. */
    public String elementName() {
        return elementName;
    }

    /** The condition with this element name, or null when it is not one of RFC 6120's. */
    public static StreamErrorCondition fromElementName(String name) {
        for (StreamErrorCondition c : values()) {
            if (c.elementName.equals(name)) {
                return c;
            }
        }
        return null;
    }
}
