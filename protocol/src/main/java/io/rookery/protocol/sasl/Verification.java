package io.rookery.protocol.sasl;

import java.util.Objects;

/**
 * What a mechanism asks the server to check elsewhere ({@link SaslStep.NeedVerification}): a bearer token (RFC 7628)
 * or a user name and password that the platform owning the accounts checks itself (PLAIN through an HTTP callout).
 * Neither prints its secret: these may end up in a log line or an exception.
 */
public sealed interface Verification {

    /** An OAUTHBEARER token; authzid is the client's {@code a=} (null: none), to be checked against the token. */
    record BearerToken(String token, String authzid) implements Verification {
        public BearerToken {
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String toString() {
            return "BearerToken[authzid=" + authzid + ", token=<" + token.length() + " chars>]";
        }
    }

    /** A SASLprepped user name and password, to be checked by the platform instead of stored keys. */
    record Password(String username, String password) implements Verification {
        public Password {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Password[username=" + username + "]";
        }
    }

    /** The answer to a {@link Verification}, given to {@link SaslServerMechanism#verified}. */
    sealed interface Verdict {}

    /** Verified: the authentication identity (the localpart at this server's domain). */
    record Accepted(String username) implements Verdict {
        public Accepted {
            Objects.requireNonNull(username, "username");
        }
    }

    /** Refused with this condition; text is for logs and never holds the secret. */
    record Refused(SaslCondition condition, String text) implements Verdict {
        public Refused {
            Objects.requireNonNull(condition, "condition");
        }
    }
}
