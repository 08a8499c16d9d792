package io.rookery.protocol.sasl;

/**
 * X-OAUTH2 (Google Talk's, not IMAP's XOAUTH2): PLAIN's message with the bearer token where the password goes,
 * {@code [authzid] NUL authcid NUL token}, checked outside as OAUTHBEARER's is. Smack and several older clients speak
 * it and not OAUTHBEARER. No error challenge: a refused token fails at once with the verdict's condition.
 */
final class XOAuth2ServerMechanism implements SaslServerMechanism {
    static final String NAME = "X-OAUTH2";

    private enum State { INITIAL, AWAIT_MESSAGE, AWAIT_VERDICT, DONE }

    private State state = State.INITIAL;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SaslStep start(byte[] initialResponse) {
        if (state != State.INITIAL) throw new IllegalStateException("already started");
        if (initialResponse == null || initialResponse.length == 0) {
            state = State.AWAIT_MESSAGE;
            return new SaslStep.Challenge(new byte[0]);
        }
        return message(initialResponse);
    }

    @Override
    public SaslStep respond(byte[] response) {
        if (state != State.AWAIT_MESSAGE) return fail(SaslCondition.MALFORMED_REQUEST, "unexpected response");
        return message(response);
    }

    private SaslStep message(byte[] bytes) {
        String m = SaslText.utf8(bytes);
        int first = m == null ? -1 : m.indexOf('\0');
        int second = first < 0 ? -1 : m.indexOf('\0', first + 1);
        if (second < 0 || m.indexOf('\0', second + 1) >= 0) {
            return fail(SaslCondition.MALFORMED_REQUEST, "X-OAUTH2 message needs exactly two NULs");
        }
        String authzid = m.substring(0, first);
        String authcid = m.substring(first + 1, second);
        String token = m.substring(second + 1);
        if (!authzid.isEmpty() && !authzid.equals(authcid)) {
            return fail(SaslCondition.INVALID_AUTHZID, "authzid differs from the username");
        }
        if (token.isEmpty() || token.length() > OAuthBearerServerMechanism.MAX_TOKEN_CHARS) {
            return fail(SaslCondition.MALFORMED_REQUEST, "empty or oversized token");
        }
        state = State.AWAIT_VERDICT;
        // The user the client names must be the token's, as OAUTHBEARER's a= must.
        return new SaslStep.NeedVerification(new Verification.BearerToken(token, authcid.isEmpty() ? null : authcid));
    }

    @Override
    public SaslStep credentials(ScramCredentials credsOrNull) {
        throw new IllegalStateException("X-OAUTH2 asks for no stored credentials");
    }

    @Override
    public SaslStep verified(Verification.Verdict verdict) {
        if (state != State.AWAIT_VERDICT) throw new IllegalStateException("no verification was asked for");
        if (verdict instanceof Verification.Refused r) return fail(r.condition(), r.text());
        state = State.DONE;
        return new SaslStep.Success(((Verification.Accepted) verdict).username(), null);
    }

    private SaslStep fail(SaslCondition condition, String text) {
        state = State.DONE;
        return new SaslStep.Failure(condition, text);
    }
}
