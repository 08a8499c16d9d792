package io.rookery.protocol.stanza;

import java.util.Objects;

/** The stream must end with this stream error (RFC 6120 §4.9). */
public final class XmppStreamException extends Exception {
    private static final long serialVersionUID = 1L;

    private final StreamErrorCondition condition;
    private final String text;

    /** {@code text} (may be null) is for people reading logs or the error's text element, not for programs. */
    public XmppStreamException(StreamErrorCondition condition, String text) {
        this(condition, text, null);
    }

    /**
     * Stack traces are off: these are verdicts on a peer's input, raised for hostile input at whatever rate the
     * peer likes, and the cause (if any) says where it came from.
     */
    public XmppStreamException(StreamErrorCondition condition, String text, Throwable cause) {
        super(text == null ? Objects.requireNonNull(condition, "condition").elementName()
                : Objects.requireNonNull(condition, "condition").elementName() + ": " + text, cause, false, false);
        this.condition = condition;
        this.text = text;
    }

    public StreamErrorCondition condition() {
        return condition;
    }

    public String text() {
        return text;
    }

    /** The stream error to send for this exception. */
    public StreamError toStreamError() {
        return new StreamError(condition, text);
    }
}
