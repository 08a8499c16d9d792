package io.rookery.protocol.stanza;

/** The defined stanza error conditions of RFC 6120 §8.3.3, each with the type its section's example uses. */
public enum StanzaErrorCondition {
    BAD_REQUEST(StanzaErrorType.MODIFY),
    CONFLICT(StanzaErrorType.CANCEL),
    FEATURE_NOT_IMPLEMENTED(StanzaErrorType.CANCEL),
    FORBIDDEN(StanzaErrorType.AUTH),
    /** May carry a new address as the condition element's text (§8.3.3.5); not modelled. */
    GONE(StanzaErrorType.CANCEL),
    INTERNAL_SERVER_ERROR(StanzaErrorType.CANCEL),
    ITEM_NOT_FOUND(StanzaErrorType.CANCEL),
    JID_MALFORMED(StanzaErrorType.MODIFY),
    NOT_ACCEPTABLE(StanzaErrorType.MODIFY),
    NOT_ALLOWED(StanzaErrorType.CANCEL),
    NOT_AUTHORIZED(StanzaErrorType.AUTH),
    POLICY_VIOLATION(StanzaErrorType.MODIFY),
    RECIPIENT_UNAVAILABLE(StanzaErrorType.WAIT),
    /** May carry a new address as the condition element's text (§8.3.3.14); not modelled. */
    REDIRECT(StanzaErrorType.MODIFY),
    REGISTRATION_REQUIRED(StanzaErrorType.AUTH),
    REMOTE_SERVER_NOT_FOUND(StanzaErrorType.CANCEL),
    REMOTE_SERVER_TIMEOUT(StanzaErrorType.WAIT),
    RESOURCE_CONSTRAINT(StanzaErrorType.WAIT),
    SERVICE_UNAVAILABLE(StanzaErrorType.CANCEL),
    SUBSCRIPTION_REQUIRED(StanzaErrorType.AUTH),
    UNDEFINED_CONDITION(StanzaErrorType.MODIFY),
    UNEXPECTED_REQUEST(StanzaErrorType.WAIT);

    private final StanzaErrorType defaultType;
    private final String elementName = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');

    StanzaErrorCondition(StanzaErrorType defaultType) {
        this.defaultType = defaultType;
    }

    public StanzaErrorType defaultType() {
        return defaultType;
    }

    /** The condition element's local name, e.g. {@code service-unavailable}. */
    public String elementName() {
        return elementName;
    }

    /** The condition with this element name, or null when it is not one of RFC 6120's. */
    public static StanzaErrorCondition fromElementName(String name) {
        for (StanzaErrorCondition c : values()) {
            if (c.elementName.equals(name)) {
                return c;
            }
        }
        return null;
    }
}
