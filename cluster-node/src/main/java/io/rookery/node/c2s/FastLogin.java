package io.rookery.node.c2s;

import io.rookery.node.ext.LoginTokens;
import io.rookery.node.user.SessionProtocol.Message;
import io.rookery.node.user.UserEntity;
import io.rookery.persistence.user.UserEvent;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.sasl.SaslCondition;
import io.rookery.protocol.xep.fast.Fast;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.Behavior;

/**
 * XEP-0484 on a client stream: a SASL2 login with a token (one round trip: the proof comes in the initial response
 * and the answer is the success), and, after any SASL2 login, the token bookkeeping the success waits for (a token
 * issued on request or for rotation, the newer token promoted, an invalidated one revoked), persisted by the account
 * before the success hands a token out. Tokens are offered over TLS only (§7).
 */
final class FastLogin {
    private FastLogin() {}

    /** The account's part that holds the tokens, as read; failure: the account did not answer in time. */
    record TokensLoaded(UserEntity.PartRead read, Throwable failure) implements SessionActor.Local {}

    /** The account persisted the token events (or failed to). */
    record TokensKept(UserEntity.PartEventsPersisted result, Throwable failure) implements SessionActor.Local {}

    /** What a login with a token carries through the negotiation. */
    record Attempt(String mechanism, byte[] proof, LoginTokens.Verdict.Accepted accepted) {}

    private static LoginTokens tokens(SessionActor s) {
        return s.tlsActive ? s.services.modules().loginTokens() : null;
    }

    /** The token mechanisms this stream offers (none without TLS or without the module). */
    static List<String> mechanisms(SessionActor s) {
        LoginTokens tokens = tokens(s);
        // HT-SHA-256-ENDP where SCRAM's -PLUS are offered: rookery.c2s.channel-binding decides for both.
        return tokens == null ? List.of() : tokens.mechanisms(AwaitingStreamHeader.bindingOffered(s));
    }

    static boolean offers(SessionActor s, String mechanism) {
        return mechanism != null && mechanisms(s).contains(mechanism);
    }

    /** §3.4: the initial response holds the user and the proof; the account's tokens are read to check it. */
    static Behavior<Message> start(SessionActor s, String mechanism) {
        Sasl2Negotiation.Login login = s.sasl2;
        Fast.InitialResponse ir = Fast.InitialResponse.parse(login.request.initialResponse());
        if (ir == null) return Authenticating.failure(s, SaslCondition.MALFORMED_REQUEST, true);
        // §4.1: tokens belong to a client, named by its user agent.
        if (login.request.userAgentId() == null) return Authenticating.failure(s, SaslCondition.NOT_AUTHORIZED, false);
        try {
            s.user = Jid.of(ir.username(), s.services.domain(), null);
        } catch (InvalidJidException | RuntimeException ex) {
            return Authenticating.failure(s, SaslCondition.NOT_AUTHORIZED, true);
        }
        login.fast = new Attempt(mechanism, ir.proof(), null);
        String part = tokens(s).partName();
        s.context.ask(UserEntity.PartRead.class, s.services.router().user(s.user), s.services.accountLookupTimeout(),
                r -> new UserEntity.GetPart(part, r), TokensLoaded::new);
        return s;
    }

    static Behavior<Message> onTokensLoaded(SessionActor s, TokensLoaded m) {
        Sasl2Negotiation.Login login = s.sasl2;
        if (s.state != Authenticating.INSTANCE || login == null || login.fast == null || s.user == null) return s;
        if (m.failure() != null) {
            s.metrics.saslLookupTimeout();
            return Authenticating.failure(s, SaslCondition.TEMPORARY_AUTH_FAILURE, false);
        }
        LoginTokens tokens = tokens(s);
        LoginTokens.Verdict verdict = !m.read().exists() ? new LoginTokens.Verdict.Refused()
                : tokens.verify(m.read().snapshot(), tokens.client(login.request.userAgentId()), login.fast.mechanism(),
                        login.fast.proof(), s.channelBinding, Instant.now().getEpochSecond());
        if (verdict instanceof LoginTokens.Verdict.Accepted a) {
            if (m.read().disabled()) return Authenticating.failure(s, SaslCondition.ACCOUNT_DISABLED, false);
            login.fast = new Attempt(login.fast.mechanism(), login.fast.proof(), a);
            s.metrics.saslAttempt(login.fast.mechanism(), true);
            return Sasl2Negotiation.authenticated(s, a.responder());
        }
        // §5.2: a token no longer trusted is credentials-expired, and the client falls back to its password.
        if (verdict instanceof LoginTokens.Verdict.Expired) {
            return Authenticating.failure(s, SaslCondition.CREDENTIALS_EXPIRED, false);
        }
        return Authenticating.failedGuess(s, SaslCondition.NOT_AUTHORIZED);
    }

    /**
     * After a SASL2 authentication, before its inline requests: the token events of this login are persisted first
     * when there are any (true: the negotiation goes on at {@link #onTokensKept}), so that a token handed out in the
     * success is one the account keeps.
     */
    static boolean keep(SessionActor s) {
        LoginTokens tokens = tokens(s);
        Sasl2Negotiation.Login login = s.sasl2;
        String agent = login.request.userAgentId();
        if (tokens == null || agent == null) return false;
        long now = Instant.now().getEpochSecond();
        List<UserEvent> events = new ArrayList<>(2);
        String issue = null;
        if (login.fast != null && login.fast.accepted() != null) {
            LoginTokens.After after = tokens.after(login.fast.accepted(),
                    Fast.invalidates(Fast.fastElement(login.request.others())), now);
            events.addAll(after.events());
            if (after.rotate()) issue = login.fast.mechanism();
        }
        String requested = Fast.requestedMechanism(login.request.others());
        if (requested != null && offers(s, requested)) issue = requested;
        if (issue != null) {
            LoginTokens.Issued issued = tokens.issue(tokens.client(agent), issue, now);
            events.add(issued.event());
            login.tokenXml = Fast.token(issued.token(), Instant.ofEpochSecond(issued.expiresAt()));
        }
        if (events.isEmpty()) return false;
        s.context.ask(UserEntity.PartEventsPersisted.class, s.services.router().user(s.user),
                s.services.accountLookupTimeout(), r -> new UserEntity.PersistPartEvents(events, r), TokensKept::new);
        return true;
    }

    static Behavior<Message> onTokensKept(SessionActor s, TokensKept m) {
        Sasl2Negotiation.Login login = s.sasl2;
        if (login == null || s.state != AwaitingBind.INSTANCE) return s;
        if (m.failure() != null || !m.result().persisted()) {
            // Not kept: no token is handed out (the client keeps using its password or its older token).
            login.tokenXml = null;
            s.context.getLog().warn("fast-token-not-kept jid={} error={}", s.user,
                    m.failure() == null ? "refused" : m.failure().toString());
        }
        return Sasl2Negotiation.inline(s);
    }
}
