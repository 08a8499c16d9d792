package io.rookery.node.ext;

import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.user.UserEvent;
import java.util.List;

/**
 * Tokens a client logs in with instead of a password (XEP-0484 FAST), kept in a module's part of the account. The
 * client stream asks the account for the part ({@link #partName}), lets this check the client's proof against it,
 * and persists the events this returns through the account; the module keeps the rules.
 */
public interface LoginTokens {
    /** The name of the account part that holds the tokens ({@link PartKey#name}). */
    String partName();

    /** The mechanisms tokens are used with; channelBinding: whether the stream has binding data for them. */
    List<String> mechanisms(boolean channelBinding);

    /**
     * Checks a login: client (a digest of the SASL2 user-agent id), the mechanism, the client's proof, the channel
     * binding data (null for none) and the time (epoch seconds) against the part as its snapshot was read (null:
     * no tokens).
     */
    Verdict verify(KryoSerializable part, String client, String mechanism, byte[] proof, byte[] channelBinding,
            long now);

    /** A new token for the client: the token to give it, when it expires, and the event that keeps it. */
    Issued issue(String client, String mechanism, long now);

    /** After a login with a token: the events to persist, and whether the token is due for a successor. */
    After after(Verdict.Accepted accepted, boolean invalidate, long now);

    /** The client's id as tokens are kept under: a digest of its user-agent id, which is not stored. */
    String client(String userAgentId);

    /** The events that revoke every token of the account (the administrator's revocation). */
    UserEvent revokeAll();

    sealed interface Verdict {
        /** The proof matches a token; responder: the server's proof for the success; fresh: it was never used. */
        record Accepted(String client, String mechanism, long expiresAt, boolean fresh, byte[] responder)
                implements Verdict {}

        /** No token of the client matches. */
        record Refused() implements Verdict {}

        /** The proof matches a token that has expired (credentials-expired). */
        record Expired() implements Verdict {}
    }

    record Issued(String token, long expiresAt, UserEvent event) {}

    record After(List<UserEvent> events, boolean rotate) {}
}
