package io.rookery.node.ext;

import java.util.function.Function;

/**
 * A stream feature a module offers (RFC 6120 §4.3.2): at which step of the negotiation, and its XML for a given
 * stream, or null where the stream does not get it.
 */
public record StreamFeature(Step step, Function<StreamContext, String> xml) {
    /** The features lists a module can add to; TLS, SASL mechanisms and bind are the core's own. */
    public enum Step {
        /** Offered beside the SASL mechanisms (RFC 6120 §6). */
        BEFORE_AUTHENTICATION,
        /** Offered beside resource binding, after the stream restart that follows SASL (RFC 6120 §7). */
        AFTER_AUTHENTICATION
    }

    /** What a feature may depend on: the stream it is offered on. */
    public record StreamContext(boolean tls) {}

    public static StreamFeature always(Step step, String xml) {
        return new StreamFeature(step, s -> xml);
    }
}
