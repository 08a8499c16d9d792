package io.rookery.node.c2s;

import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.SessionProtocol.Message;
import io.rookery.node.user.UserEntity;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.xml.Element;
import org.apache.pekko.actor.typed.Behavior;

/**
 * RFC 6120 §7: the authenticated stream binds a resource, the client's or one the server makes (§7.6.2.1); the
 * user entity registers the session and replaces an older one with the same resource.
 */
final class AwaitingBind extends SessionState {
    static final AwaitingBind INSTANCE = new AwaitingBind();

    private AwaitingBind() {}

    @Override
    Behavior<Message> onElement(SessionActor s, Element e) {
        if (!"iq".equals(e.name()) || !Namespaces.CLIENT.equals(e.namespace())) {
            Behavior<Message> extended = Stanzas.isStanza(e) ? null : StreamExtensions.element(s, e, false);
            if (extended != null) return extended;
            return Stanzas.isStanza(e) ? s.streamError(StreamErrorCondition.NOT_AUTHORIZED, null)
                    : s.streamError(StreamErrorCondition.POLICY_VIOLATION, "expected resource binding");
        }
        Element bind = e.child("bind", Namespaces.BIND);
        if (bind == null || !"set".equals(e.attr("type"))) {
            // §7.1: no other stanza before a resource is bound.
            return s.streamError(StreamErrorCondition.NOT_AUTHORIZED, "bind a resource first");
        }
        String requested = bind.childText("resource", Namespaces.BIND);
        Jid bound;
        try {
            bound = s.user.withResource(requested == null || requested.isBlank()
                    ? s.services.newResource() : requested.trim());
        } catch (InvalidJidException | RuntimeException ex) {
            // §7.7.2.1: a resource that cannot be prepared.
            s.send(Stanzas.errorReply(e, StanzaError.of(StanzaErrorCondition.BAD_REQUEST)));
            return s.processed();
        }
        s.full = bound;
        s.context.ask(UserEntity.BindResult.class, s.services.router().user(s.user), s.services.accountLookupTimeout(),
                r -> new UserEntity.BindResource(bound.resource(), s.context.getSelf(), r),
                (ok, failure) -> new SessionActor.BindAnswered(e, ok, failure));
        return s;
    }

    /** XEP-0198 §5: the session of the id answered; on success this stream continues it. */
    @Override
    Behavior<Message> onResumeAnswered(SessionActor s, Resumption.Answered m) {
        return Resumption.answered(s, m);
    }

    @Override
    Behavior<Message> onBindAnswered(SessionActor s, SessionActor.BindAnswered m) {
        if (s.sasl2 != null) return Sasl2Negotiation.bound(s, m);
        if (m.failure() != null) {
            s.full = null;
            s.send(Stanzas.errorReply(m.iq(), StanzaError.of(StanzaErrorCondition.INTERNAL_SERVER_ERROR)));
            return s.processed();
        }
        if (m.result() instanceof UserEntity.NoAccount) {
            return s.streamError(StreamErrorCondition.NOT_AUTHORIZED, "account no longer exists");
        }
        if (m.result() instanceof UserEntity.Bound b) s.context.watchWith(b.entity(), SessionActor.EntityStopped.INSTANCE);
        Element payload = Element.builder("bind", Namespaces.BIND)
                .child(Element.builder("jid", Namespaces.BIND).text(s.full.toString()).build()).build();
        s.send(Stanzas.iqResult(m.iq(), payload));
        established(s);
        return s.processed();
    }

    /** The resource is bound (RFC 6120 §7 or XEP-0386): the session is established. */
    static void established(SessionActor s) {
        s.become(Established.INSTANCE);
        s.listener.sessionEstablished();
        if (s.services.onlineSessions() != null) s.onlineBucket = (byte) s.services.onlineSessions().bound(s.full);
        s.clock.established = true;
        s.control(ConnectionStage.Out.ESTABLISHED);
    }
}
