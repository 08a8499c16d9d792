package io.rookery.protocol.sasl;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * OAUTHBEARER (RFC 7628 §3) on the server: the client sends a GS2 header and key-value pairs separated by %x01, one
 * of them {@code auth=Bearer <token>}; the token is checked outside ({@link SaslStep.NeedVerification}). A refused
 * token gets the error challenge of §3.2.2 (a JSON status), the client answers with a single %x01, and only then
 * does the exchange fail with the verdict's condition.
 *
 * <p>Not supported: channel binding ({@code p=}: refused), and the {@code host}/{@code port} pairs are read and
 * ignored (the token's audience says which service it is for).
 */
final class OAuthBearerServerMechanism implements SaslServerMechanism {
    static final String NAME = "OAUTHBEARER";
    private static final char KVSEP = '\u0001';
    /** Far above any real token; a bound so that a token is never a large allocation for the verifier. */
    static final int MAX_TOKEN_CHARS = 8192;

    private enum State { INITIAL, AWAIT_MESSAGE, AWAIT_VERDICT, AWAIT_ERROR_ACK, DONE }

    private State state = State.INITIAL;
    private String authzid;
    private Verification.Refused refused;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SaslStep start(byte[] initialResponse) {
        if (state != State.INITIAL) throw new IllegalStateException("already started");
        if (initialResponse == null || initialResponse.length == 0) {
            // §3.1: a client that sends no initial response gets an empty challenge and sends the message then.
            state = State.AWAIT_MESSAGE;
            return new SaslStep.Challenge(new byte[0]);
        }
        return message(initialResponse);
    }

    @Override
    public SaslStep respond(byte[] response) {
        if (state == State.AWAIT_MESSAGE) return message(response);
        if (state == State.AWAIT_ERROR_ACK) {
            // §3.2.3: the client acknowledges the error with a single %x01; anything else fails the same way.
            Verification.Refused r = refused;
            finish();
            return new SaslStep.Failure(r.condition(), r.text());
        }
        return fail(SaslCondition.MALFORMED_REQUEST, "unexpected response");
    }

    @Override
    public SaslStep credentials(ScramCredentials credsOrNull) {
        throw new IllegalStateException("OAUTHBEARER asks for no stored credentials");
    }

    @Override
    public SaslStep verified(Verification.Verdict verdict) {
        if (state != State.AWAIT_VERDICT) throw new IllegalStateException("no verification was asked for");
        // The verifier compared the authzid with the token's JID: it knows the domain, this does not.
        if (verdict instanceof Verification.Accepted ok) {
            finish();
            return new SaslStep.Success(ok.username(), null);
        }
        refused = (Verification.Refused) verdict;
        state = State.AWAIT_ERROR_ACK;
        return new SaslStep.Challenge(errorChallenge(refused.condition()));
    }

    /** §3.2.2: the status is one of RFC 6750's error codes; {@code invalid_token} covers every refusal here. */
    static byte[] errorChallenge(SaslCondition condition) {
        String status = condition == SaslCondition.MALFORMED_REQUEST ? "invalid_request" : "invalid_token";
        return ("{\"status\":\"" + status + "\",\"schemes\":\"bearer\"}").getBytes(StandardCharsets.US_ASCII);
    }

    /** §3.1: client-resp = gs2-header kvsep *kvpair kvsep, kvpair = key "=" value kvsep. */
    private SaslStep message(byte[] bytes) {
        String m = bytes == null ? null : SaslText.utf8(bytes);
        if (m == null) return fail(SaslCondition.MALFORMED_REQUEST, "not UTF-8");
        int first = m.indexOf(',');
        int second = first < 0 ? -1 : m.indexOf(',', first + 1);
        if (second < 0) return fail(SaslCondition.MALFORMED_REQUEST, "no GS2 header");
        String cbflag = m.substring(0, first);
        if (cbflag.startsWith("p=")) return fail(SaslCondition.MALFORMED_REQUEST, "channel binding not supported");
        if (!"n".equals(cbflag) && !"y".equals(cbflag)) return fail(SaslCondition.MALFORMED_REQUEST, "bad GS2 flag");
        String az = m.substring(first + 1, second);
        if (!az.isEmpty()) {
            if (!az.startsWith("a=")) return fail(SaslCondition.MALFORMED_REQUEST, "bad authzid");
            authzid = SaslText.decodeSaslName(az.substring(2));
            if (authzid == null) return fail(SaslCondition.MALFORMED_REQUEST, "bad authzid");
        }
        // After the header: kvsep, the pairs each ending in kvsep, and a final kvsep.
        String rest = m.substring(second + 1);
        if (rest.length() < 2 || rest.charAt(0) != KVSEP || !rest.endsWith("" + KVSEP + KVSEP)) {
            return fail(SaslCondition.MALFORMED_REQUEST, "bad key-value framing");
        }
        String token = null;
        for (String pair : rest.substring(1, rest.length() - 1).split("\u0001", -1)) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            if (eq <= 0 || !isKey(pair.substring(0, eq))) return fail(SaslCondition.MALFORMED_REQUEST, "bad pair");
            if (!"auth".equals(pair.substring(0, eq))) continue;
            if (token != null) return fail(SaslCondition.MALFORMED_REQUEST, "auth given twice");
            token = bearer(pair.substring(eq + 1));
            if (token == null) return fail(SaslCondition.MALFORMED_REQUEST, "auth is not a Bearer token");
        }
        if (token == null) return fail(SaslCondition.MALFORMED_REQUEST, "no auth pair");
        state = State.AWAIT_VERDICT;
        return new SaslStep.NeedVerification(new Verification.BearerToken(token, authzid));
    }

    private static boolean isKey(String k) {
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
        }
        return true;
    }

    /** RFC 6750 §2.1: "Bearer" (any case) 1*SP b64token; null when it is not that or too long. */
    static String bearer(String value) {
        if (value.length() < 7 || !value.substring(0, 6).toLowerCase(Locale.ROOT).equals("bearer")
                || value.charAt(6) != ' ') {
            return null;
        }
        String t = value.substring(7).strip();
        if (t.isEmpty() || t.length() > MAX_TOKEN_CHARS) return null;
        boolean padding = false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            boolean tokenChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
            if (c == '=') padding = true;
            else if (!tokenChar || padding) return null;
        }
        return t;
    }

    private SaslStep fail(SaslCondition condition, String text) {
        finish();
        return new SaslStep.Failure(condition, text);
    }

    private void finish() {
        state = State.DONE;
        authzid = null;
        refused = null;
    }
}
