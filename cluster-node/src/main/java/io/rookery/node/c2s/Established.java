package io.rookery.node.c2s;

import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.SessionProtocol.Message;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.ResourceFlags;
import io.rookery.node.ext.StanzaFilter;
import io.rookery.node.routing.Router;
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
 * RFC 6120 §8-§10 and RFC 6121: the bound session's stanzas. The server stamps 'from' (§8.1.2.1) and hands each
 * stanza to the user's own entity, the server's modules or the router; stanzas for the client are written as they
 * come. When the user entity moves (a rebalance, a node lost), the session registers again with it.
 */
class Established extends SessionState {
    static final Established INSTANCE = new Established();

    /** Registering again after the user entity moved is retried this often (each waits rookery.c2s.account-lookup-timeout) before the
     * stream is closed with internal-server-error, so the client logs in afresh. */
    private static final int MAX_REATTACH_ATTEMPTS = 6;

    Established() {}

    @Override
    Behavior<Message> onElement(SessionActor s, Element e) {
        if (!Stanzas.isStanza(e)) {
            Behavior<Message> extended = StreamExtensions.element(s, e, true);
            return extended != null ? extended : s.streamError(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, null);
        }
        s.metrics.stanzaIn(e.name());
        // XEP-0198: handled once taken here; an <r/> behind it is answered after this stanza was dealt with. A message
        // is counted by message(): one to a user only once the recipient's account confirms it (ack-when-stored).
        boolean message = !"iq".equals(e.name()) && !"presence".equals(e.name());
        if (s.extension != null && !message) s.extension.handled();
        Element stanza = e.withAttr("from", s.full.toString());
        String toAttr = stanza.attr("to");
        Jid to = null;
        if (toAttr != null) {
            try {
                to = Jid.parse(toAttr);
            } catch (InvalidJidException ex) {
                if (message) counted(s);
                if (!"error".equals(stanza.attr("type"))) {
                    // RFC 6120 §8.3.1: the server generated this error, so it is 'from' the server; the malformed
                    // string the client sent is not echoed back as an address.
                    s.send(Stanzas.errorReply(stanza, StanzaError.of(StanzaErrorCondition.JID_MALFORMED))
                            .withAttr("from", s.services.domain()));
                }
                return s.processed();
            }
        }
        switch (stanza.name()) {
            case "iq" -> iq(s, stanza, to);
            case "presence" -> presence(s, stanza, to);
            default -> message(s, stanza, to);
        }
        return s.processed();
    }

    private static void iq(SessionActor s, Element iq, Jid to) {
        String type = iq.attr("type");
        boolean request = "get".equals(type) || "set".equals(type);
        if (request && (iq.attr("id") == null || iq.elements().size() != 1)) {
            // RFC 6120 §8.2.3: a get/set carries an id and exactly one payload.
            s.send(Stanzas.errorReply(iq, StanzaError.of(StanzaErrorCondition.BAD_REQUEST)));
            return;
        }
        if (request && Namespaces.SESSION.equals(iq.elements().get(0).namespace())) {
            s.send(Stanzas.iqResult(iq, null)); // RFC 3921 session establishment, kept for old clients
            return;
        }
        if (to == null || (to.isBare() && to.equals(s.user))) {
            // RFC 6120 §10.3.3: no 'to' means the account itself; the entity answers (roster, RFC 6121 §2).
            if (request) {
                s.resourceFlags = ResourceFlags.after(s.resourceFlags, iq);
                s.services.router().user(s.user).tell(new UserEntity.OwnIq(s.full.resource(), iq));
            } else if (to != null && s.services.modules().hooked(io.rookery.node.ext.Hook.IQ_RESPONSE)) {
                // The answer to what a module asked this client in the account's name (XEP-0115 disco#info).
                s.services.router().route(iq, to);
            }
            return;
        }
        if (to.local() == null && to.resource() == null && s.services.domain().equals(to.domain())) {
            if (request) {
                // An answer that comes later (XEP-0133 commands wait for an account) reaches the client like any
                // stanza to its full JID, through the router: the session goes on meanwhile.
                Router router = s.services.router();
                Element reply = s.services.modules().answer(AddressKind.SERVER, iq, router::route);
                if (reply != null) s.send(reply);
            }
            return;
        }
        if (refusedByFilters(s, iq, to)) return;
        s.services.router().route(iq, to, s.context.getSelf());
    }

    /**
     * The user's own stanza that a module's filter keeps back (XEP-0191 §3.3: to a blocked JID), judged from the
     * session's copies of the account's filtered parts: not sent, and answered when the filter says so.
     */
    private static boolean refusedByFilters(SessionActor s, Element stanza, Jid to) {
        if (s.mirrored == null) return false;
        StanzaFilter.Verdict verdict = s.services.modules().outbound(s::mirroredPart, stanza, to);
        if (verdict == null) return false;
        if (verdict.reply() != null) s.send(verdict.reply());
        return true;
    }

    private static void presence(SessionActor s, Element presence, Jid to) {
        String type = presence.attr("type");
        if (type == null && s.services.modules().stampsPresence()) {
            // Broadcast or directed alike (XEP-0398 §4: the avatar's hash, also in a room join).
            presence = s.services.modules().stampPresence(s::mirroredPart, presence);
        }
        if (to == null) {
            if ("unavailable".equals(type)) s.endDirectedPresence();
            else if (type != null) return; // subscription presence needs a contact; probes are the server's business
            s.ownPresence = type == null ? presence : null;
            s.services.router().user(s.user).tell(new UserEntity.OwnPresence(s.full.resource(), presence));
            return;
        }
        if ("subscribe".equals(type) || "subscribed".equals(type) || "unsubscribe".equals(type)
                || "unsubscribed".equals(type)) {
            // RFC 6121 §3: the user's own account updates its roster, then sends it on, stamped with the bare JID.
            s.services.router().user(s.user).tell(new UserEntity.OutboundSubscription(presence, to));
            return;
        }
        if ("probe".equals(type)) return;
        if (refusedByFilters(s, presence, to)) return;
        if (type == null) {
            if (s.directedTo == null) s.directedTo = new java.util.HashSet<>(4);
            if (s.directedTo.size() >= s.services.maxDirectedPresences() && !s.directedTo.contains(to)) {
                // rookery.c2s.max-directed-presences: each is kept until the session ends (RFC 6121 §4.6.3).
                s.send(Stanzas.errorReply(presence, StanzaError.of(StanzaErrorCondition.RESOURCE_CONSTRAINT)));
                return;
            }
            s.directedTo.add(to);
        } else if ("unavailable".equals(type) && s.directedTo != null) {
            s.directedTo.remove(to);
        }
        s.services.router().route(presence, to, s.context.getSelf());
    }

    private static void message(SessionActor s, Element message, Jid to) {
        if (to == null) {
            // RFC 6120 §10.3: no 'to' means the sender's bare JID.
            routeMessage(s, message.withAttr("to", s.user.toString()), s.user);
            return;
        }
        if (to.local() == null && s.services.domain().equals(to.domain())) {
            // Messages to the server itself: nothing here consumes them yet.
            counted(s);
            if (!"error".equals(message.attr("type"))) {
                s.send(Stanzas.errorReply(message, StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE)));
            }
            return;
        }
        if (refusedByFilters(s, message, to)) {
            counted(s);
            return;
        }
        routeMessage(s, message, to);
        if (s.sentCopies && personal(message.attr("type")) && !s.user.equals(to.bare())) {
            // XEP-0280 §7: the account copies it to the user's other carbons-enabled resources; XEP-0313: the
            // account archives it. Messages to the user's own JIDs are copied and archived on receipt instead. Only
            // while the account said it wants them: without another carbons-enabled resource or an archive the
            // message costs no hop to the sender's own entity.
            s.services.router().user(s.user).tell(new UserEntity.SentMessage(s.full.resource(), message));
        }
    }

    /** XEP-0198: the message was dealt with here and now. */
    private static void counted(SessionActor s) {
        if (s.extension != null) s.extension.handled();
    }

    /**
     * Routes a message the client sent. On a stream that counts acknowledgements, a chat or normal message to a user
     * of this server counts as handled once the recipient's account confirms it kept it (delivered and archived, or
     * stored offline and archived; SessionProtocol.Handled), anything else at once.
     */
    private static void routeMessage(SessionActor s, Element message, Jid to) {
        Router router = s.services.router();
        if (s.extension != null && personal(message.attr("type"))
                && router.classify(to) == Router.Destination.ACCOUNT) {
            long token = s.extension.handledLater(message);
            if (token >= 0) {
                router.routeConfirmed(message, to, s.context.getSelf(), token, 0);
                return;
            }
        } else {
            counted(s);
        }
        router.route(message, to, s.context.getSelf());
    }

    /** A chat or normal message (no type is normal, RFC 6121 §5.2.2): what carbons copy and archives keep. */
    private static boolean personal(String type) {
        return type == null || "chat".equals(type) || "normal".equals(type);
    }

    @Override
    Behavior<Message> onDeliver(SessionActor s, SessionProtocol.Deliver d) {
        s.send(d.stanza());
        s.metrics.routed(d.routedAtMicros());
        return s;
    }

    /**
     * A message that reached this session after it left goes back to the account, which now finds the resource
     * unbound and delivers it to another resource or stores it (RFC 6121 §8.5.3.2.1); an iq get or set is answered
     * service-unavailable, as the account answers one to a resource it no longer has (§8.5.3.2.3; XEP-0206 §11 asks
     * the same of a connection manager). Carbon copies, errors and presence are dropped.
     */
    static void handBack(SessionActor s, Element stanza) {
        Jid to = Jid.parseOrNull(stanza.attr("to"));
        if (to != null) s.handBack(java.util.List.of(stanza), to.bare());
    }

    // ---- the user entity moved (cluster rebalance, graceful leave, crash of its node) ------------------------

    @Override
    Behavior<Message> onEntityStopped(SessionActor s) {
        // The restarted entity tells again whether it wants this session's sent messages.
        s.sentCopies = false;
        Jid bound = s.full;
        Element presence = s.ownPresence;
        // A detached session says so (XEP-0357 push): the account keeps that bit, the session does not.
        int flags = s.state == Detached.INSTANCE ? s.resourceFlags | ResourceFlags.DETACHED : s.resourceFlags;
        s.context.ask(UserEntity.BindResult.class, s.services.router().user(s.user), s.services.accountLookupTimeout(),
                r -> new UserEntity.Reattach(bound.resource(), s.context.getSelf(), presence, flags, r),
                SessionActor.ReattachAnswered::new);
        return s;
    }

    @Override
    Behavior<Message> onReattachAnswered(SessionActor s, SessionActor.ReattachAnswered m) {
        if (m.result() instanceof UserEntity.Bound b) {
            s.reattachAttempts = 0;
            s.context.watchWith(b.entity(), SessionActor.EntityStopped.INSTANCE);
            return s;
        }
        if (m.result() instanceof UserEntity.Superseded) return s.streamError(StreamErrorCondition.CONFLICT, null);
        if (m.result() instanceof UserEntity.NoAccount) {
            return s.streamError(StreamErrorCondition.NOT_AUTHORIZED, "account no longer exists");
        }
        if (++s.reattachAttempts < MAX_REATTACH_ATTEMPTS) return onEntityStopped(s);
        return s.streamError(StreamErrorCondition.INTERNAL_SERVER_ERROR, "account unreachable");
    }
}
