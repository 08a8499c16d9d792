package io.rookery.protocol.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * PLAIN (RFC 4616) checked against stored SCRAM keys: the password is turned into SaltedPassword with the stored
 * salt and iteration count, and ClientKey into StoredKey, so the server needs no other form of the password.
 * Only to be offered under TLS; that is the caller's choice (see {@link SaslMechanisms#advertised}).
 *
 * <p>Created {@code byPlatform}, it checks nothing itself: it asks for the user name and password to be verified
 * by the platform that owns the accounts ({@link SaslStep.NeedVerification}), and never looks at stored keys.
 */
final class PlainServerMechanism implements SaslServerMechanism {
    static final String NAME = "PLAIN";
    private static final String AUTH_FAILED = "authentication failed";

    private enum State { INITIAL, AWAIT_MESSAGE, AWAIT_CREDENTIALS, AWAIT_VERDICT, DONE }

    private final boolean byPlatform;

    PlainServerMechanism() {
        this(false);
    }

    PlainServerMechanism(boolean byPlatform) {
        this.byPlatform = byPlatform;
    }

    private State state = State.INITIAL;
    private String authcid;
    /** The SASLprepped password, wiped once checked. */
    private char[] password;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SaslStep start(byte[] initialResponse) {
        if (state != State.INITIAL) throw new IllegalStateException("already started");
        if (initialResponse == null) {
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

    /** RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd. */
    private SaslStep message(byte[] bytes) {
        String m = bytes == null ? null : SaslText.utf8(bytes);
        int first = m == null ? -1 : m.indexOf('\0');
        int second = first < 0 ? -1 : m.indexOf('\0', first + 1);
        if (second < 0 || m.indexOf('\0', second + 1) >= 0) {
            return fail(SaslCondition.MALFORMED_REQUEST, "PLAIN message needs exactly two NULs");
        }
        String authzid = m.substring(0, first);
        String user = SaslText.saslPrepOrNull(m.substring(first + 1, second));
        if (user == null || second + 1 == m.length()) {
            return fail(SaslCondition.MALFORMED_REQUEST, "empty or prohibited authcid or password");
        }
        if (!authzid.isEmpty() && !user.equals(SaslText.saslPrepOrNull(authzid))) {
            return fail(SaslCondition.INVALID_AUTHZID, "authzid differs from the username");
        }
        String pass = SaslText.saslPrepOrNull(m.substring(second + 1));
        // A password SASLprep refuses can never have been stored, so no user has it.
        if (pass == null) return fail(SaslCondition.NOT_AUTHORIZED, AUTH_FAILED);
        authcid = user;
        if (byPlatform) {
            state = State.AWAIT_VERDICT;
            return new SaslStep.NeedVerification(new Verification.Password(user, pass));
        }
        password = pass.toCharArray();
        state = State.AWAIT_CREDENTIALS;
        return new SaslStep.NeedCredentials(user);
    }

    @Override
    public SaslStep credentials(ScramCredentials credsOrNull) {
        if (state != State.AWAIT_CREDENTIALS) throw new IllegalStateException("no credentials were asked for");
        // An unknown user still costs the full key derivation, so timing does not tell it from a wrong password.
        ScramCredentials creds = credsOrNull != null ? credsOrNull
                : UnknownUsers.credentials(SaslMechanisms.hashFor(NAME), authcid);
        ScramHash hash = creds.hash();
        byte[] salted = ScramCrypto.saltedPassword(hash, new String(password), creds.salt(), creds.iterations());
        byte[] clientKey = ScramCrypto.hmac(hash, salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        boolean ok = MessageDigest.isEqual(ScramCrypto.digest(hash, clientKey), creds.storedKey());
        Arrays.fill(salted, (byte) 0);
        Arrays.fill(clientKey, (byte) 0);
        String user = authcid;
        if (!ok || credsOrNull == null) return fail(SaslCondition.NOT_AUTHORIZED, AUTH_FAILED);
        finish();
        return new SaslStep.Success(user, null);
    }

    @Override
    public SaslStep verified(Verification.Verdict verdict) {
        if (state != State.AWAIT_VERDICT) throw new IllegalStateException("no verification was asked for");
        if (verdict instanceof Verification.Refused r) return fail(r.condition(), r.text());
        String user = authcid;
        if (!user.equals(((Verification.Accepted) verdict).username())) {
            return fail(SaslCondition.NOT_AUTHORIZED, "the platform vouched for another user");
        }
        finish();
        return new SaslStep.Success(user, null);
    }

    private SaslStep fail(SaslCondition condition, String text) {
        finish();
        return new SaslStep.Failure(condition, text);
    }

    private void finish() {
        state = State.DONE;
        authcid = null;
        if (password != null) Arrays.fill(password, '\0');
        password = null;
    }
}
