package io.rookery.protocol.sasl;

import java.util.Objects;

/** What a {@link SaslServerMechanism} wants done next. */
public sealed interface SaslStep {

    /** Send {@code <challenge/>} with these bytes (the caller base64-encodes; empty means an empty challenge). */
    record Challenge(byte[] data) implements SaslStep {
        public Challenge {
            Objects.requireNonNull(data, "data");
        }
    }

    /**
     * Look up the stored credentials of this user (SASLprepped authentication identity) for
     * {@link SaslMechanisms#hashFor} of the mechanism and pass them, or null, to
     * {@link SaslServerMechanism#credentials}.
     */
    record NeedCredentials(String username) implements SaslStep {
        public NeedCredentials {
            Objects.requireNonNull(username, "username");
        }
    }

    /**
     * Have this checked outside the mechanism (a token's signature, a platform's password check) and pass the
     * verdict to {@link SaslServerMechanism#verified}.
     */
    record NeedVerification(Verification what) implements SaslStep {
        public NeedVerification {
            Objects.requireNonNull(what, "what");
        }
    }

    /**
     * Authenticated. {@code additionalData} goes into {@code <success/>} (RFC 6120 §6.4.6); null means none, as for
     * PLAIN; SCRAM puts its server-final-message there.
     */
    record Success(String username, byte[] additionalData) implements SaslStep {
        public Success {
            Objects.requireNonNull(username, "username");
        }
    }

    /** Send {@code <failure/>} with this condition. {@code text} is for logs and never says whether a user exists. */
    record Failure(SaslCondition condition, String text) implements SaslStep {
        public Failure {
            Objects.requireNonNull(condition, "condition");
        }
    }
}
