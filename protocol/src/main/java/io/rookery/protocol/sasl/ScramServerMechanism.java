package io.rookery.protocol.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * The server side of SCRAM (RFC 5802 §5, §7; SHA-256 per RFC 7677) and of its -PLUS variants with
 * tls-server-end-point channel binding (RFC 5929 §4), the only binding type a JDK 17 server can compute.
 *
 * <p>Malformed client messages fail with malformed-request; wrong proofs, wrong nonces, channel binding mismatches,
 * unknown users and channel binding downgrades fail with not-authorized and one text, so that a failure does not
 * tell an unknown user from a wrong password.
 */
final class ScramServerMechanism implements SaslServerMechanism {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** RFC 5802 leaves the length open; 24 random bytes (32 base64 characters) is well past guessing. */
    private static final int NONCE_BYTES = 24;
    private static final String AUTH_FAILED = "authentication failed";
    static final String TLS_SERVER_END_POINT = "tls-server-end-point";

    private enum State { INITIAL, AWAIT_CLIENT_FIRST, AWAIT_CREDENTIALS, AWAIT_CLIENT_FINAL, DONE }

    private final ScramHash hash;
    private final byte[] channelBinding;
    private final boolean plusAdvertised;
    private final Supplier<String> serverNonces;

    private State state = State.INITIAL;
    private String username;
    private String gs2Header;
    private String clientFirstBare;
    private String nonce;
    private String serverFirst;
    private ScramCredentials credentials;
    private boolean unknownUser;

    /**
     * @param channelBinding the tls-server-end-point data for a -PLUS mechanism, null for plain SCRAM
     * @param plusAdvertised whether -PLUS mechanisms were offered on this stream (for downgrade detection)
     */
    ScramServerMechanism(ScramHash hash, byte[] channelBinding, boolean plusAdvertised) {
        this(hash, channelBinding, plusAdvertised, ScramServerMechanism::randomNonce);
    }

    /** Test hook: fixes the server's part of the nonce. */
    ScramServerMechanism(ScramHash hash, byte[] channelBinding, boolean plusAdvertised, Supplier<String> serverNonces) {
        this.hash = hash;
        this.channelBinding = channelBinding == null ? null : channelBinding.clone();
        this.plusAdvertised = plusAdvertised;
        this.serverNonces = serverNonces;
    }

    @Override
    public String name() {
        return channelBinding == null ? hash.mechanismName() : hash.mechanismName() + "-PLUS";
    }

    @Override
    public SaslStep start(byte[] initialResponse) {
        if (state != State.INITIAL) throw new IllegalStateException("already started");
        if (initialResponse == null) {
            state = State.AWAIT_CLIENT_FIRST;
            return new SaslStep.Challenge(new byte[0]);
        }
        return clientFirst(initialResponse);
    }

    @Override
    public SaslStep respond(byte[] response) {
        return switch (state) {
            case AWAIT_CLIENT_FIRST -> clientFirst(response);
            case AWAIT_CLIENT_FINAL -> clientFinal(response);
            default -> fail(SaslCondition.MALFORMED_REQUEST, "unexpected response");
        };
    }

    @Override
    public SaslStep credentials(ScramCredentials credsOrNull) {
        if (state != State.AWAIT_CREDENTIALS) throw new IllegalStateException("no credentials were asked for");
        if (credsOrNull != null && credsOrNull.hash() != hash) {
            throw new IllegalArgumentException(credsOrNull.hash() + " credentials passed to " + name());
        }
        unknownUser = credsOrNull == null;
        credentials = unknownUser ? UnknownUsers.credentials(hash, username) : credsOrNull;
        nonce = nonce + serverNonces.get();
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(credentials.salt())
                + ",i=" + credentials.iterations();
        state = State.AWAIT_CLIENT_FINAL;
        return new SaslStep.Challenge(serverFirst.getBytes(StandardCharsets.US_ASCII));
    }

    /** RFC 5802 §7 client-first-message = gs2-header client-first-message-bare. */
    private SaslStep clientFirst(byte[] bytes) {
        String m = bytes == null ? null : SaslText.utf8(bytes);
        if (m == null) return fail(SaslCondition.MALFORMED_REQUEST, "client-first-message is not UTF-8");
        int flagEnd = m.indexOf(',');
        int authzEnd = flagEnd < 0 ? -1 : m.indexOf(',', flagEnd + 1);
        if (authzEnd < 0) return fail(SaslCondition.MALFORMED_REQUEST, "no gs2-header");
        SaslStep cbindError = checkCbindFlag(m.substring(0, flagEnd));
        if (cbindError != null) return cbindError;

        String authzid = null;
        if (authzEnd > flagEnd + 1) {
            String a = m.substring(flagEnd + 1, authzEnd);
            authzid = a.startsWith("a=") ? SaslText.decodeSaslName(a.substring(2)) : null;
            if (authzid == null) return fail(SaslCondition.MALFORMED_REQUEST, "bad authzid");
        }
        gs2Header = m.substring(0, authzEnd + 1);
        clientFirstBare = m.substring(authzEnd + 1);

        String[] attrs = clientFirstBare.split(",", -1);
        if (attrs[0].startsWith("m=")) {
            return fail(SaslCondition.MALFORMED_REQUEST, "mandatory extension not supported");
        }
        if (attrs.length < 2 || !attrs[0].startsWith("n=") || !attrs[1].startsWith("r=")) {
            return fail(SaslCondition.MALFORMED_REQUEST, "client-first-message-bare needs n= and r=");
        }
        for (int i = 2; i < attrs.length; i++) {
            if (!SaslText.isAttrVal(attrs[i])) return fail(SaslCondition.MALFORMED_REQUEST, "bad extension");
        }
        String name = SaslText.decodeSaslName(attrs[0].substring(2));
        String prepared = name == null ? null : SaslText.saslPrepOrNull(name);
        if (prepared == null) return fail(SaslCondition.MALFORMED_REQUEST, "bad username");
        String clientNonce = attrs[1].substring(2);
        if (!SaslText.isPrintable(clientNonce)) return fail(SaslCondition.MALFORMED_REQUEST, "bad nonce");
        if (authzid != null && !prepared.equals(SaslText.saslPrepOrNull(authzid))) {
            return fail(SaslCondition.INVALID_AUTHZID, "authzid differs from the username");
        }
        username = prepared;
        nonce = clientNonce;
        state = State.AWAIT_CREDENTIALS;
        return new SaslStep.NeedCredentials(username);
    }

    /** RFC 5802 §6 and §7 gs2-cbind-flag: "n", "y" or "p=" cb-name. Returns a failure, or null when acceptable. */
    private SaslStep checkCbindFlag(String flag) {
        boolean plus = channelBinding != null;
        if (flag.equals("n") || flag.equals("y")) {
            if (plus) return fail(SaslCondition.MALFORMED_REQUEST, "-PLUS mechanism without channel binding");
            // 'y': the client could bind but believes we cannot; we offered -PLUS, so someone removed it.
            if (flag.equals("y") && plusAdvertised) return fail(SaslCondition.NOT_AUTHORIZED, AUTH_FAILED);
            return null;
        }
        if (flag.startsWith("p=")) {
            if (!plus) return fail(SaslCondition.MALFORMED_REQUEST, "channel binding needs a -PLUS mechanism");
            if (!flag.substring(2).equals(TLS_SERVER_END_POINT)) {
                return fail(SaslCondition.MALFORMED_REQUEST, "unsupported channel binding type");
            }
            return null;
        }
        return fail(SaslCondition.MALFORMED_REQUEST, "bad gs2-cbind-flag");
    }

    /** RFC 5802 §7 client-final-message = channel-binding "," nonce ["," extensions] "," proof. */
    private SaslStep clientFinal(byte[] bytes) {
        String m = bytes == null ? null : SaslText.utf8(bytes);
        int proofAt = m == null ? -1 : m.lastIndexOf(",p=");
        if (proofAt < 0) return fail(SaslCondition.MALFORMED_REQUEST, "client-final-message needs p=");
        String withoutProof = m.substring(0, proofAt);
        String[] attrs = withoutProof.split(",", -1);
        if (attrs.length < 2 || !attrs[0].startsWith("c=") || !attrs[1].startsWith("r=")) {
            return fail(SaslCondition.MALFORMED_REQUEST, "client-final-message needs c= and r=");
        }
        for (int i = 2; i < attrs.length; i++) {
            if (!SaslText.isAttrVal(attrs[i])) return fail(SaslCondition.MALFORMED_REQUEST, "bad extension");
        }
        byte[] cbind = base64(attrs[0].substring(2));
        byte[] proof = base64(m.substring(proofAt + 3));
        if (cbind == null || proof == null) return fail(SaslCondition.MALFORMED_REQUEST, "bad base64 in SCRAM");
        if (proof.length != hash.length()) return fail(SaslCondition.MALFORMED_REQUEST, "bad proof length");

        boolean ok = MessageDigest.isEqual(cbind, expectedCbindInput());
        ok &= attrs[1].substring(2).equals(nonce);
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] clientSignature = ScramCrypto.hmac(hash, credentials.storedKey(), authMessage);
        for (int i = 0; i < proof.length; i++) {
            proof[i] ^= clientSignature[i];
        }
        ok &= MessageDigest.isEqual(ScramCrypto.digest(hash, proof), credentials.storedKey());
        if (!ok || unknownUser) return fail(SaslCondition.NOT_AUTHORIZED, AUTH_FAILED);

        byte[] serverSignature = ScramCrypto.hmac(hash, credentials.serverKey(), authMessage);
        String user = username;
        finish();
        byte[] serverFinal = ("v=" + Base64.getEncoder().encodeToString(serverSignature))
                .getBytes(StandardCharsets.US_ASCII);
        return new SaslStep.Success(user, serverFinal);
    }

    /** RFC 5802 §7: c= carries the gs2-header, followed for "p" by the channel binding data. */
    private byte[] expectedCbindInput() {
        byte[] header = gs2Header.getBytes(StandardCharsets.UTF_8);
        if (channelBinding == null) return header;
        byte[] all = new byte[header.length + channelBinding.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(channelBinding, 0, all, header.length, channelBinding.length);
        return all;
    }

    private static byte[] base64(String s) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private SaslStep fail(SaslCondition condition, String text) {
        finish();
        return new SaslStep.Failure(condition, text);
    }

    /** Drops everything the exchange held; the instance may outlive it inside the session. */
    private void finish() {
        state = State.DONE;
        username = null;
        gs2Header = null;
        clientFirstBare = null;
        nonce = null;
        serverFirst = null;
        credentials = null;
    }

    private static String randomNonce() {
        byte[] b = new byte[NONCE_BYTES];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().withoutPadding().encodeToString(b);
    }
}
