package io.rookery.protocol.sasl;

/**
 * The server side of one SASL exchange (one per {@code <auth/>}; not thread-safe, not reusable).
 *
 * <p>All data is raw bytes: the caller decodes the base64 of {@code <auth/>} and {@code <response/>} (answering
 * incorrect-encoding itself when that fails) and encodes what it sends. A Success or Failure ends the exchange.
 */
public interface SaslServerMechanism {

    /** The mechanism name as advertised, e.g. {@code SCRAM-SHA-256-PLUS}. */
    String name();

    /**
     * Handles {@code <auth/>}. {@code initialResponse} is null when the element had no text, and empty when the
     * client sent {@code =} (RFC 6120 §6.4.2). Without an initial response the mechanism asks with an empty
     * challenge. Throws IllegalStateException when called twice.
     */
    SaslStep start(byte[] initialResponse);

    /** Handles a {@code <response/>}; a response the mechanism does not expect now fails with malformed-request. */
    SaslStep respond(byte[] response);

    /**
     * Continues after {@link SaslStep.NeedCredentials} with the user's stored credentials for
     * {@link SaslMechanisms#hashFor} of this mechanism, or null when the user does not exist. Throws
     * IllegalStateException when no credentials were asked for.
     */
    SaslStep credentials(ScramCredentials credsOrNull);

    /**
     * Continues after {@link SaslStep.NeedVerification} with the server's verdict. Only the mechanisms that ask for
     * verification implement it; the others throw IllegalStateException, as they do when nothing was asked.
     */
    default SaslStep verified(Verification.Verdict verdict) {
        throw new IllegalStateException("no verification was asked for");
    }
}
