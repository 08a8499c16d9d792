package io.rookery.protocol.sasl;

import java.util.ArrayList;
import java.util.List;

/** The mechanisms this server offers, in the order it prefers them, and the factory for their server sides. */
public final class SaslMechanisms {
    private static final String PLUS = "-PLUS";
    /** RFC 7628: a bearer token (a platform's signed JWT here). */
    public static final String OAUTHBEARER = OAuthBearerServerMechanism.NAME;
    public static final String PLAIN = PlainServerMechanism.NAME;
    public static final String X_OAUTH2 = XOAuth2ServerMechanism.NAME;
    /** Strongest hash first; each -PLUS variant ranks above every variant without channel binding. */
    private static final ScramHash[] BY_STRENGTH = {ScramHash.SHA_512, ScramHash.SHA_256, ScramHash.SHA_1};

    private SaslMechanisms() {}

    /**
     * The names to advertise in {@code <mechanisms/>}, strongest first: the -PLUS variants only when TLS is active
     * and tls-server-end-point data is available, PLAIN only when allowed (normally only under TLS).
     */
    public static List<String> advertised(boolean tlsActive, boolean channelBindingAvailable, boolean plainAllowed) {
        return advertised(tlsActive, channelBindingAvailable, plainAllowed, false);
    }

    /**
     * The same, with OAUTHBEARER (RFC 7628) and X-OAUTH2 (the same token in PLAIN's framing) first when bearer tokens
     * are accepted on this stream.
     */
    public static List<String> advertised(boolean tlsActive, boolean channelBindingAvailable, boolean plainAllowed,
            boolean oauthBearer) {
        List<String> names = new ArrayList<>(8);
        // First: a client that holds a platform's token has no password to offer the others.
        if (oauthBearer) {
            names.add(OAuthBearerServerMechanism.NAME);
            names.add(XOAuth2ServerMechanism.NAME);
        }
        if (tlsActive && channelBindingAvailable) {
            for (ScramHash h : BY_STRENGTH) names.add(h.mechanismName() + PLUS);
        }
        for (ScramHash h : BY_STRENGTH) names.add(h.mechanismName());
        if (plainAllowed) names.add(PlainServerMechanism.NAME);
        return List.copyOf(names);
    }

    /**
     * A fresh server side for one exchange. The caller checks first that the client picked an advertised name
     * (else invalid-mechanism).
     *
     * @param tlsServerEndPointOrNull the RFC 5929 §4 tls-server-end-point data of this connection, required by -PLUS
     * @param plusAdvertised whether -PLUS names were advertised on this stream, to detect a stripped -PLUS offer
     * @throws IllegalArgumentException for an unknown name, or a -PLUS name without channel binding data
     */
    public static SaslServerMechanism create(String name, byte[] tlsServerEndPointOrNull, boolean plusAdvertised) {
        return create(name, tlsServerEndPointOrNull, plusAdvertised, false);
    }

    /**
     * The same; {@code plainByPlatform}: PLAIN asks for the password to be verified elsewhere (an HTTP callout)
     * instead of checking stored keys.
     */
    public static SaslServerMechanism create(String name, byte[] tlsServerEndPointOrNull, boolean plusAdvertised,
            boolean plainByPlatform) {
        if (PlainServerMechanism.NAME.equals(name)) return new PlainServerMechanism(plainByPlatform);
        if (OAuthBearerServerMechanism.NAME.equals(name)) return new OAuthBearerServerMechanism();
        if (XOAuth2ServerMechanism.NAME.equals(name)) return new XOAuth2ServerMechanism();
        ScramHash hash = hashFor(name);
        if (!name.endsWith(PLUS)) return new ScramServerMechanism(hash, null, plusAdvertised);
        if (tlsServerEndPointOrNull == null || tlsServerEndPointOrNull.length == 0) {
            throw new IllegalArgumentException(name + " needs tls-server-end-point data");
        }
        return new ScramServerMechanism(hash, tlsServerEndPointOrNull, true);
    }

    /**
     * Which stored credentials a mechanism needs; PLAIN checks against the SHA-256 ones.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    /**
     * The secret that stand-in credentials of unknown users derive from (at least 16 bytes). Every server of one
     * service must use the same, so that an unknown user gets the same salt from each; until it is set, a random
     * one drawn at start is used.
     */
    public static void useUnknownUserSecret(byte[] secret) {
        UnknownUsers.useSecret(secret);
    }

    public static ScramHash hashFor(String mechanismName) {
        // OAUTHBEARER needs none; SHA-256 is what an account's existence and state are asked with.
        if (PlainServerMechanism.NAME.equals(mechanismName) || OAuthBearerServerMechanism.NAME.equals(mechanismName)
                || XOAuth2ServerMechanism.NAME.equals(mechanismName)) {
            return ScramHash.SHA_256;
        }
        String base = mechanismName.endsWith(PLUS)
                ? mechanismName.substring(0, mechanismName.length() - PLUS.length()) : mechanismName;
        for (ScramHash h : ScramHash.values()) {
            if (h.mechanismName().equals(base)) return h;
        }
        throw new IllegalArgumentException("unknown SASL mechanism: " + mechanismName);
    }
}
