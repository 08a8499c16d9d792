package io.rookery.node.c2s;

import io.rookery.node.user.SessionProtocol.Message;
import io.rookery.node.user.UserEntity;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.sasl.SaslCondition;
import io.rookery.protocol.sasl.SaslServerMechanism;
import io.rookery.protocol.sasl.ScramHash;
import io.rookery.protocol.sasl.Verification;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.Behavior;

/**
 * What a session does for a platform login ({@code SaslStep.NeedVerification}): wait while the throttle says so,
 * have {@link io.rookery.node.auth.PlatformLogins} judge the token or password (the callout completes later, into
 * this actor), then make sure the account exists (created with no password when the settings allow) and learn
 * whether it is disabled, and give the mechanism its verdict. Whatever the mechanism answers goes back through
 * {@link Authenticating#step}, so challenges, success, failures and the throttle are Authenticating's as for SCRAM.
 */
final class PlatformLoginSteps {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PlatformLoginSteps.class);

    private PlatformLoginSteps() {}

    /** One step's result, delivered to the session as {@link SessionActor.PlatformLogin}. */
    sealed interface Progress {}

    /** A throttled attempt may go on. */
    record Admitted(Verification what) implements Progress {}

    record Verified(Verification what, Verification.Verdict verdict) implements Progress {}

    /** The account after CreateAccount (null: no answer in time). */
    record Ensured(Verification what, UserEntity.AccountResult result) implements Progress {}

    /** Whether the account has stored keys and is disabled (null: no answer in time). */
    record Checked(Verification what, UserEntity.LoginCredentials login) implements Progress {}

    static Behavior<Message> verify(SessionActor s, Verification what) {
        // A password names its user before it is checked, so it is throttled per account too; a token only by
        // address until it is verified.
        Jid candidate = what instanceof Verification.Password p ? jid(s, p.username()) : null;
        s.user = candidate;
        if (what instanceof Verification.Password && candidate == null) {
            return Authenticating.step(s, s.sasl.verified(
                    new Verification.Refused(SaslCondition.NOT_AUTHORIZED, "not a user name")));
        }
        AuthThrottle.Wait wait = s.services.authThrottle().admission(candidate == null ? null : candidate.toString(),
                s.clock.remoteAddress);
        if (wait.nanos() > 0) {
            Authenticating.throttled(s, "attempt", wait);
            s.context.scheduleOnce(Duration.ofNanos(wait.nanos()), s.context.getSelf(),
                    new SessionActor.PlatformLogin(s.sasl, new Admitted(what)));
            return s;
        }
        return ask(s, what);
    }

    private static Behavior<Message> ask(SessionActor s, Verification what) {
        SaslServerMechanism sasl = s.sasl;
        s.context.pipeToSelf(s.services.platformLogins().verify(what), (verdict, failure) ->
                new SessionActor.PlatformLogin(sasl, new Verified(what, verdict != null ? verdict
                        : new Verification.Refused(SaslCondition.TEMPORARY_AUTH_FAILURE, "verification failed"))));
        return s;
    }

    static Behavior<Message> onProgress(SessionActor s, SessionActor.PlatformLogin m) {
        if (s.sasl == null || m.sasl() != s.sasl) return s;
        Progress p = m.progress();
        if (p instanceof Admitted a) return ask(s, a.what());
        if (p instanceof Verified v) return verified(s, v);
        if (p instanceof Ensured e) return ensured(s, e);
        return checked(s, (Checked) p);
    }

    private static Behavior<Message> verified(SessionActor s, Verified v) {
        if (!(v.verdict() instanceof Verification.Accepted ok)) return Authenticating.step(s, s.sasl.verified(v.verdict()));
        s.user = jid(s, ok.username());
        if (s.user == null) {
            return Authenticating.step(s, s.sasl.verified(
                    new Verification.Refused(SaslCondition.NOT_AUTHORIZED, "not a user name")));
        }
        SaslServerMechanism sasl = s.sasl;
        Verification what = v.what();
        if (s.services.platformLogins().createAccounts(what)) {
            // No keys: the account cannot be logged in to with SCRAM or stored-key PLAIN, only through the platform.
            s.context.ask(UserEntity.AccountResult.class, s.services.router().user(s.user),
                    s.services.accountLookupTimeout(), r -> new UserEntity.CreateAccount(List.of(), r),
                    (ok2, failure) -> new SessionActor.PlatformLogin(sasl, new Ensured(what, ok2)));
            return s;
        }
        return check(s, what);
    }

    private static Behavior<Message> ensured(SessionActor s, Ensured e) {
        if (e.result() == null) return lookupTimedOut(s);
        if (e.result().status() == UserEntity.AccountStatus.CREATED) {
            LOG.info("platform-account-created account={} method={}", s.user,
                    e.what() instanceof Verification.BearerToken ? "jwt" : "callout");
            return Authenticating.step(s, s.sasl.verified(new Verification.Accepted(s.user.local())));
        }
        return check(s, e.what());
    }

    /** An existing account may be disabled (RFC 6120 §6.5.1 account-disabled, decided by step's Success). */
    private static Behavior<Message> check(SessionActor s, Verification what) {
        SaslServerMechanism sasl = s.sasl;
        s.context.ask(UserEntity.LoginCredentials.class, s.services.router().user(s.user),
                s.services.accountLookupTimeout(), r -> new UserEntity.GetLoginCredentials(ScramHash.SHA_256, r),
                (ok, failure) -> new SessionActor.PlatformLogin(sasl, new Checked(what, ok)));
        return s;
    }

    private static Behavior<Message> checked(SessionActor s, Checked c) {
        if (c.login() == null) return lookupTimedOut(s);
        // Without create-accounts, an account must exist; one with no stored keys is taken as not existing (the
        // entity's answer cannot tell those apart), which is documented with the setting.
        if (!s.services.platformLogins().createAccounts(c.what()) && c.login().credentials().isEmpty()) {
            return Authenticating.step(s, s.sasl.verified(
                    new Verification.Refused(SaslCondition.NOT_AUTHORIZED, "no such account")));
        }
        s.accountDisabled = c.login().disabled();
        return Authenticating.step(s, s.sasl.verified(new Verification.Accepted(s.user.local())));
    }

    /** As for SCRAM's credentials lookup: RFC 6120 §6.5.13, which a client retries; not a guess. */
    private static Behavior<Message> lookupTimedOut(SessionActor s) {
        s.metrics.saslLookupTimeout();
        return Authenticating.failure(s, SaslCondition.TEMPORARY_AUTH_FAILURE, false);
    }

    private static Jid jid(SessionActor s, String localpart) {
        try {
            return Jid.of(localpart, s.services.domain(), null);
        } catch (InvalidJidException | RuntimeException e) {
            return null;
        }
    }
}
