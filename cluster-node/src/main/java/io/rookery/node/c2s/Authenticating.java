package io.rookery.node.c2s;

import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.SessionProtocol.Message;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.UnauthenticatedStream;
import io.rookery.node.user.UserEntity;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.sasl.SaslCondition;
import io.rookery.protocol.sasl.SaslMechanisms;
import io.rookery.protocol.sasl.SaslStep;
import io.rookery.protocol.sasl.ScramHash;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.xep.register.Register;
import io.rookery.protocol.xep.sasl2.Sasl2;
import io.rookery.protocol.xml.Element;
import io.rookery.node.limits.AddressKey;
import java.time.Duration;
import java.util.Base64;
import org.apache.pekko.actor.typed.Behavior;

/**
 * RFC 6120 §6: SASL, with STARTTLS still possible where it is optional (§5.3.1) and XEP-0077 registration where it
 * is enabled; any other stanza before authentication ends the stream (§4.9.3.12). Password guessing is slowed by
 * the node's {@link AuthThrottle}: an attempt may wait before it is processed, and a failure's answer may be held.
 */
final class Authenticating extends SessionState {
    static final Authenticating INSTANCE = new Authenticating();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Authenticating.class);

    private Authenticating() {}

    @Override
    Behavior<Message> onElement(SessionActor s, Element e) {
        if (NegotiatingTls.isStartTls(e)) return NegotiatingTls.startTls(s);
        if (Stanzas.isStanza(e)) {
            if ("iq".equals(e.name()) && e.child("query", Register.NS) != null) return streamIq(s, e);
            return s.streamError(StreamErrorCondition.NOT_AUTHORIZED, null);
        }
        boolean sasl2 = Sasl2.NS.equals(e.namespace()) && Sasl2Negotiation.offered(s);
        if (!Namespaces.SASL.equals(e.namespace()) && !sasl2) {
            return s.streamError(StreamErrorCondition.POLICY_VIOLATION, "unexpected element during SASL negotiation");
        }
        // XEP-0388 frames the same steps in its own namespace: the framing follows the element that began them.
        if (!"response".equals(e.name())) s.sasl2 = null;
        switch (e.name()) {
            case "auth", "authenticate" -> {
                if (sasl2 != "authenticate".equals(e.name())) {
                    return s.streamError(StreamErrorCondition.POLICY_VIOLATION, "unexpected SASL element");
                }
                String mech = e.attr("mechanism");
                byte[] initial;
                if (sasl2) {
                    s.sasl2 = Sasl2Negotiation.begin(e);
                    if (s.sasl2 == null) {
                        s.sasl2 = new Sasl2Negotiation.Login(null);
                        return failure(s, SaslCondition.MALFORMED_REQUEST, true);
                    }
                    // §2.2: no initial response is an empty one to the mechanisms, as SASL's "=".
                    initial = s.sasl2.request.initialResponse() == null ? new byte[0]
                            : s.sasl2.request.initialResponse();
                } else {
                    initial = decode(e.text());
                }
                // XEP-0484: a login with a token, in one round trip.
                if (sasl2 && FastLogin.offers(s, mech)) return FastLogin.start(s, mech);
                if (mech == null || !AwaitingStreamHeader.advertisedMechanisms(s).contains(mech)) {
                    if ("PLAIN".equals(mech) && !s.tlsActive) return failure(s, SaslCondition.ENCRYPTION_REQUIRED, false);
                    return failure(s, SaslCondition.INVALID_MECHANISM, false);
                }
                boolean plus = AwaitingStreamHeader.bindingOffered(s);
                s.sasl = SaslMechanisms.create(mech, plus ? s.channelBinding : null, plus,
                        s.services.platformLogins().calloutEnabled());
                if (initial == null) return failure(s, SaslCondition.INCORRECT_ENCODING, true);
                return step(s, s.sasl.start(initial));
            }
            case "response" -> {
                if (s.sasl == null || sasl2 != (s.sasl2 != null)) return failure(s, SaslCondition.MALFORMED_REQUEST, false);
                byte[] data = decode(e.text());
                if (data == null) return failure(s, SaslCondition.INCORRECT_ENCODING, true);
                return step(s, s.sasl.respond(data));
            }
            case "abort" -> {
                s.sasl = null;
                if (sasl2) s.sasl2 = new Sasl2Negotiation.Login(null);
                return failure(s, SaslCondition.ABORTED, false);
            }
            default -> {
                return s.streamError(StreamErrorCondition.POLICY_VIOLATION, "unexpected SASL element");
            }
        }
    }

    /**
     * XEP-0077 §3: a registration query goes to the modules that answer on unauthenticated streams; without one
     * (registration off) it gets service-unavailable, not a dead stream. Results and errors get no answer.
     */
    private static Behavior<Message> streamIq(SessionActor s, Element iq) {
        if (IqType.of(iq.attr("type")) == null) return s.processed();
        IqOutcome outcome = s.services.modules().handleStream(iq,
                new UnauthenticatedStream(s.clock.remoteAddress, s.registrations));
        if (outcome == null) {
            s.send(Stanzas.errorReply(iq, StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE)));
            return s.processed();
        }
        if (outcome.later() != null) {
            // The next element is read once this one is answered.
            s.context.pipeToSelf(outcome.later(), (ok, failure) -> new SessionActor.IqAnswered(iq, ok, failure));
            return s;
        }
        s.send(outcome.reply());
        s.streamIqAnswered(iq, outcome.reply());
        return s.processed();
    }

    /** §6.4.2: an empty initial response is "=", no text means none. Null means bad base64. */
    private static byte[] decode(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty() || "=".equals(t)) return new byte[0];
        try {
            return Base64.getDecoder().decode(t);
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    /** Package-private: {@link PlatformLoginSteps} hands its verdicts back through here. */
    static Behavior<Message> step(SessionActor s, SaslStep step) {
        if (step instanceof SaslStep.Challenge c) {
            s.send(s.sasl2 != null ? Sasl2.challenge(c.data()) : "<challenge xmlns='" + Namespaces.SASL + "'>"
                    + Base64.getEncoder().encodeToString(c.data()) + "</challenge>");
            return s.processed();
        }
        if (step instanceof SaslStep.NeedCredentials n) {
            Jid candidate;
            try {
                candidate = Jid.of(n.username(), s.services.domain(), null);
            } catch (InvalidJidException | RuntimeException ex) {
                candidate = null;
            }
            s.user = candidate;
            ScramHash hash = candidate == null ? null : SaslMechanisms.hashFor(s.sasl.name());
            // The attempt waits while its account or address is throttled, whatever stream the failures came on.
            AuthThrottle.Wait wait = s.services.authThrottle().admission(candidate == null ? null
                    : candidate.toString(), s.clock.remoteAddress);
            if (wait.nanos() > 0) {
                throttled(s, "attempt", wait);
                s.context.scheduleOnce(Duration.ofNanos(wait.nanos()), s.context.getSelf(),
                        new SessionActor.SaslAdmitted(hash));
                return s;
            }
            return credentials(s, hash);
        }
        if (step instanceof SaslStep.NeedVerification v) return PlatformLoginSteps.verify(s, v.what());
        if (step instanceof SaslStep.Success ok && s.accountDisabled) {
            // RFC 6120 §6.5.1, said only to whoever knows the password: an unknown party learns nothing of the
            // account. Not a guess, so it does not count towards the throttle.
            return failure(s, SaslCondition.ACCOUNT_DISABLED, false);
        }
        if (step instanceof SaslStep.Success ok) {
            s.metrics.saslAttempt(s.sasl.name(), true);
            try {
                s.user = Jid.of(ok.username(), s.services.domain(), null);
            } catch (InvalidJidException ex) {
                return failure(s, SaslCondition.NOT_AUTHORIZED, true);
            }
            if (s.sasl2 != null) return Sasl2Negotiation.authenticated(s, ok.additionalData());
            String extra = ok.additionalData() == null || ok.additionalData().length == 0 ? ""
                    : Base64.getEncoder().encodeToString(ok.additionalData());
            s.sasl = null;
            s.authenticated = true;
            // §6.4.6: the stream restarts; the next header opens resource binding.
            s.send("<success xmlns='" + Namespaces.SASL + "'>" + extra + "</success>");
            s.restartStream(ConnectionStage.Out.RESTART_STREAM);
            s.control(ConnectionStage.Out.AUTHENTICATED);
            s.processed();
            return s.become(AwaitingStreamHeader.INSTANCE);
        }
        SaslCondition condition = ((SaslStep.Failure) step).condition();
        // The platform being unavailable (a callout timeout) is no guess: it counts as a lookup timeout does.
        if (condition == SaslCondition.TEMPORARY_AUTH_FAILURE) return failure(s, condition, false);
        return failedGuess(s, condition);
    }

    /** Asks the user entity for the candidate's credentials; an unusable user name fails like a wrong password. */
    private static Behavior<Message> credentials(SessionActor s, ScramHash hash) {
        Jid candidate = s.user;
        if (candidate == null) return step(s, s.sasl.credentials(null));
        s.context.ask(UserEntity.LoginCredentials.class, s.services.router().user(candidate),
                s.services.accountLookupTimeout(), r -> new UserEntity.GetLoginCredentials(hash, r),
                (ok, failure) -> new SessionActor.CredentialsLoaded(ok == null ? null : ok.credentials(),
                        ok != null && ok.disabled()));
        return s;
    }

    @Override
    Behavior<Message> onSaslAdmitted(SessionActor s, SessionActor.SaslAdmitted m) {
        if (s.sasl == null) return s;
        return credentials(s, m.hash());
    }

    /**
     * A failed attempt of the mechanism: it counts against the account and the address, and past the free
     * failures its answer is held (the next element is not read meanwhile). The attempt is over at once; only the
     * answer waits.
     */
    static Behavior<Message> failedGuess(SessionActor s, SaslCondition condition) {
        AuthThrottle.Wait wait = s.services.authThrottle().failed(s.user == null ? null : s.user.toString(),
                s.clock.remoteAddress);
        if (wait.nanos() == 0) return failure(s, condition, true);
        throttled(s, "answer", wait);
        attemptOver(s);
        s.context.scheduleOnce(Duration.ofNanos(wait.nanos()), s.context.getSelf(),
                new SessionActor.SaslFailureDue(condition));
        return s;
    }

    @Override
    Behavior<Message> onPlatformLogin(SessionActor s, SessionActor.PlatformLogin m) {
        return PlatformLoginSteps.onProgress(s, m);
    }

    @Override
    Behavior<Message> onSaslFailureDue(SessionActor s, SessionActor.SaslFailureDue m) {
        return answerFailure(s, m.condition(), true);
    }

    /** Counted (xmpp_sasl_throttled_total) and logged, at most one line per interval for the whole node. */
    static void throttled(SessionActor s, String phase, AuthThrottle.Wait wait) {
        s.metrics.saslThrottled(phase, wait.byAccount());
        AuthThrottle throttle = s.services.authThrottle();
        long lines = throttle.log().event(throttle.now());
        if (lines > 0) {
            LOG.info("sasl-throttled phase={} by={} account={} address={} delay-ms={} throttled-since-last-line={}",
                    phase, wait.byAccount() ? "account" : "address", s.user == null ? "-" : s.user,
                    AddressKey.format(s.clock.remoteAddress), wait.nanos() / 1_000_000, lines);
        }
    }

    private static final io.rookery.node.limits.RateLimitedLog LOOKUP_LOG = new io.rookery.node.limits.RateLimitedLog();

    @Override
    Behavior<Message> onCredentials(SessionActor s, SessionActor.CredentialsLoaded m) {
        if (s.sasl == null) return s;
        if (m.credentials() == null) {
            // The account service did not answer in time: §6.5.13 temporary-auth-failure, which a client retries.
            s.metrics.saslLookupTimeout();
            long lines = LOOKUP_LOG.event(System.nanoTime());
            if (lines > 0) {
                LOG.warn("sasl-lookup-timeout account={} timeout-ms={} since-last-line={}", s.user,
                        s.services.accountLookupTimeout().toMillis(), lines);
            }
            return failure(s, SaslCondition.TEMPORARY_AUTH_FAILURE, false);
        }
        s.accountDisabled = m.disabled();
        return step(s, s.sasl.credentials(m.credentials().orElse(null)));
    }

    static Behavior<Message> failure(SessionActor s, SaslCondition condition, boolean counts) {
        attemptOver(s);
        return answerFailure(s, condition, counts);
    }

    private static void attemptOver(SessionActor s) {
        s.metrics.saslAttempt(s.sasl == null ? "other" : s.sasl.name(), false);
        s.sasl = null;
        s.user = null;
        s.accountDisabled = false;
    }

    private static Behavior<Message> answerFailure(SessionActor s, SaslCondition condition, boolean counts) {
        if (s.sasl2 != null) {
            s.sasl2 = null;
            s.send(Sasl2.failure(condition, null));
        } else {
            s.send("<failure xmlns='" + Namespaces.SASL + "'><" + condition.elementName() + "/></failure>");
        }
        if (counts && ++s.authFailures >= s.services.maxAuthFailures()) {
            // §6.4.5 allows a bounded number of retries; past it the stream ends.
            return s.streamError(StreamErrorCondition.POLICY_VIOLATION, "too many failed authentication attempts");
        }
        return s.processed();
    }
}
