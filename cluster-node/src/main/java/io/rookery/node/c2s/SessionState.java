package io.rookery.node.c2s;

import io.rookery.protocol.jid.Jid;
import io.rookery.node.user.UserEntity;

import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.SessionProtocol.Message;
import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StreamHeader;
import org.apache.pekko.actor.typed.Behavior;

/**
 * One step of RFC 6120's stream negotiation. A state holds no data of its own (that is the {@link SessionActor}'s):
 * one instance of each serves every session of the node. What every step answers the same way is answered here;
 * a step overrides what it treats differently.
 */
abstract class SessionState {

    /** Dispatches one message; the most frequent ones first. */
    final Behavior<Message> receive(SessionActor s, Message m) {
        if (m instanceof SessionProtocol.Deliver d) {
            return s.repeats != null && Resumption.repeat(s, d.stanza()) ? s : onDeliver(s, d);
        }
        if (m instanceof SessionProtocol.DeliverKept k) {
            if (s.repeats != null && Resumption.repeat(s, k.stanza())) {
                k.confirmTo().tell(new SessionProtocol.Handled(k.token()));
                return s;
            }
            return onDeliverKept(s, k);
        }
        if (m == Resumption.RepeatsForgotten.INSTANCE) {
            s.repeats = null;
            return s;
        }
        if (m instanceof KeptStream.Written w) {
            if (s.kept != null) s.kept.written(s, w);
            return s;
        }
        if (m instanceof SessionActor.ElementReceived e) return onElement(s, e.element());
        if (m instanceof SessionActor.StreamOpened o) return onStreamOpened(s, o.header());
        if (m instanceof SessionActor.TlsEstablished t) {
            s.tlsActive = true;
            s.channelBinding = t.tlsServerEndPoint();
            return s;
        }
        if (m instanceof SessionProtocol.PartMirrored p) {
            s.mirror(p);
            return s;
        }
        if (m instanceof SessionProtocol.SentCopies c) {
            s.sentCopies = c == SessionProtocol.SentCopies.WANTED;
            return s;
        }
        if (m instanceof SessionProtocol.Handled h) return StreamExtensions.onHandled(s, h);
        if (m instanceof SessionActor.CredentialsLoaded c) return onCredentials(s, c);
        if (m instanceof FastLogin.TokensLoaded t) return FastLogin.onTokensLoaded(s, t);
        if (m instanceof FastLogin.TokensKept k) return FastLogin.onTokensKept(s, k);
        if (m instanceof SessionActor.SaslAdmitted a) return onSaslAdmitted(s, a);
        if (m instanceof SessionActor.SaslFailureDue f) return onSaslFailureDue(s, f);
        if (m instanceof SessionActor.PlatformLogin p) return onPlatformLogin(s, p);
        if (m instanceof SessionActor.BindAnswered b) return onBindAnswered(s, b);
        if (m == SessionActor.EntityStopped.INSTANCE) return onEntityStopped(s);
        if (m == SessionProtocol.Unbound.INSTANCE) return s.onUnbound();
        if (m instanceof SessionActor.ReattachAnswered r) return onReattachAnswered(s, r);
        if (m instanceof SessionActor.IqAnswered a) return s.onIqAnswered(a);
        if (m instanceof SessionProtocol.TakeOver t) return Resumption.onTakeOver(s, t);
        if (m instanceof Resumption.Answered r) return onResumeAnswered(s, r);
        if (m instanceof Resumption.Recovered r) return Resumption.onRecovered(s, r);
        if (m instanceof Resumption.SwapAnswered w) return Resumption.onSwapAnswered(s, w);
        if (m == Resumption.Expired.INSTANCE) return Resumption.onExpired(s);
        if (m instanceof SessionActor.ParseFailed f) return s.streamError(f.condition(), f.text());
        if (m instanceof SessionProtocol.Kicked k) return s.onKicked(k);
        if (m == SessionActor.TimedOut.PING) return s.onPingTimedOut();
        if (m instanceof SessionActor.TimedOut) return s.streamError(StreamErrorCondition.CONNECTION_TIMEOUT, null);
        if (m == SessionActor.PingDue.INSTANCE) return s.onPingDue();
        if (m == SessionActor.AckDue.INSTANCE) return StreamExtensions.onAckDue(s);
        if (m == SessionActor.PeerClosedStream.INSTANCE) return s.onPeerClosed();
        if (m == SessionActor.PeerClosedConnection.INSTANCE) return s.onPeerClosedConnection();
        if (m == SessionActor.ConnectionLost.INSTANCE) return s.onConnectionLost();
        if (m == SessionActor.OutputDropped.INSTANCE) return s.onOutputDropped();
        if (m instanceof SessionActor.Undelivered u) return s.onUndelivered(u);
        return s;
    }

    /** A header arrives only where the parser expects one: at the start and after each restart. */
    Behavior<Message> onStreamOpened(SessionActor s, StreamHeader header) {
        return s;
    }

    abstract Behavior<Message> onElement(SessionActor s, Element e);

    /** Stanzas for the client before it is bound are none of its business; after it left, they go back. */
    Behavior<Message> onDeliver(SessionActor s, SessionProtocol.Deliver d) {
        if (s.unbinding) Established.handBack(s, d.stanza());
        return s;
    }

    /**
     * XEP-0198: a message whose sender waits until it is kept with this stream. Delivered as any; confirmed once its
     * write is done, at once when the session keeps no stream; a session that left hands it back with the sender's
     * confirmation, which the account then gives.
     */
    Behavior<Message> onDeliverKept(SessionActor s, SessionProtocol.DeliverKept k) {
        if (!s.established()) {
            Jid to = s.unbinding && SessionActor.handedBackIfUnwritten(k.stanza())
                    ? Jid.parseOrNull(k.stanza().attr("to")) : null;
            if (to != null) {
                s.services.router().user(to).tell(new UserEntity.Deliver(k.stanza(), to, k.routedAtMicros(),
                        k.confirmTo(), k.token(), true));
            }
            return s;
        }
        Behavior<Message> next = onDeliver(s, new SessionProtocol.Deliver(k.stanza(), k.routedAtMicros()));
        if (s.kept != null) s.kept.confirmWhenKept(k.confirmTo(), k.token());
        else k.confirmTo().tell(new SessionProtocol.Handled(k.token()));
        return next;
    }

    Behavior<Message> onCredentials(SessionActor s, SessionActor.CredentialsLoaded m) {
        return s;
    }

    /** A throttled SASL step comes due; a stream that moved on (closed, timed out) ignores it. */
    Behavior<Message> onSaslAdmitted(SessionActor s, SessionActor.SaslAdmitted m) {
        return s;
    }

    /** Outside SASL a platform login's late answer has nothing left to do. */
    Behavior<Message> onPlatformLogin(SessionActor s, SessionActor.PlatformLogin m) {
        return s;
    }

    Behavior<Message> onSaslFailureDue(SessionActor s, SessionActor.SaslFailureDue m) {
        return s;
    }

    Behavior<Message> onBindAnswered(SessionActor s, SessionActor.BindAnswered m) {
        return s;
    }

    /** The user entity stopped; a session that was leaving waits for nothing more from it. */
    Behavior<Message> onEntityStopped(SessionActor s) {
        return s.unbinding ? s.onUnbound() : s;
    }

    Behavior<Message> onReattachAnswered(SessionActor s, SessionActor.ReattachAnswered m) {
        return s;
    }

    /**
     * A session handed over to a stream that no longer waits for it (closed meanwhile): it is taken, then ended as
     * any session, so what it held goes back to the account.
     */
    Behavior<Message> onResumeAnswered(SessionActor s, Resumption.Answered m) {
        if (m.answer() != null && m.answer().handover() != null) Resumption.abandon(s, m.answer().handover());
        return s;
    }
}
