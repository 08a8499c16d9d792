package io.rookery.node.c2s;

import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.StreamFeature;
import io.rookery.node.user.UserEntity;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.sasl.SaslCondition;
import io.rookery.protocol.sasl.SaslMechanisms;
import io.rookery.protocol.sasl.SaslServerMechanism;
import io.rookery.protocol.sasl.SaslStep;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.StreamError;
import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StreamHeader;
import io.rookery.protocol.xml.XmlWriter;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.user.ResourceFlags;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One client connection's RFC 6120 state machine. The phases are the RFC's steps: awaiting the stream header (§4.2),
 * TLS negotiation (§5), SASL (§6), resource binding (§7), then the established stream (§8-§10). Only this actor
 * decides what is written to its socket; the {@link ConnectionStage} writes it.
 */
public final class SessionActor extends AbstractBehavior<SessionActor.Command> {

    // ---- messages -------------------------------------------------------------------------------------------

    public interface Command {}

    /** Messages from the connection stage, the sweep and the actor itself: they never leave this node. */
    interface Local extends Command, NoSerializationVerificationNeeded {}

    record StreamOpened(StreamHeader header) implements Local {}

    record ElementReceived(Element element) implements Local {}

    record ParseFailed(StreamErrorCondition condition, String text) implements Local {}

    record TlsEstablished(byte[] tlsServerEndPoint) implements Local {}

    enum PeerClosedStream implements Local { INSTANCE }

    enum ConnectionLost implements Local { INSTANCE }

    enum TimedOut implements Local { NEGOTIATION, IDLE }

    /**
     * A stanza for this session's client. routedAtMicros: when the router took it (epoch microseconds), 0 for what
     * the server itself generated.
     */
    public record Deliver(Element stanza, long routedAtMicros) implements Command, KryoSerializable {
        public Deliver(Element stanza) {
            this(stanza, 0);
        }
    }

    public enum Kick { RESOURCE_CONFLICT, ACCOUNT_DELETED, SYSTEM_SHUTDOWN }

    /** The user's XEP-0191 blocklist, sent at bind when not empty and after each change. */
    public record BlocklistUpdated(java.util.Set<String> jids) implements Command, KryoSerializable {}

    /** The user entity (or the node) ends this session. */
    public record Kicked(Kick reason) implements Command, KryoSerializable {}

    /**
     * The user entity processed this session's unbind: nothing more will be delivered to it, so a session whose
     * connection is gone may stop.
     */
    public enum Unbound implements Command, KryoSerializable { INSTANCE }

    private record CredentialsLoaded(Optional<ScramCredentials> credentials) implements Local {}

    private record BindAnswered(Element iq, UserEntity.BindResult result, Throwable failure) implements Local {}

    /** The user entity this session is registered with stopped: its shard moved or its node is gone. */
    private enum EntityStopped implements Local { INSTANCE }

    private record ReattachAnswered(UserEntity.BindResult result, Throwable failure) implements Local {}

    // ---- the phases (RFC 6120) ------------------------------------------------------------------------------

    private enum Phase { AWAITING_STREAM_HEADER, NEGOTIATING_TLS, AUTHENTICATING, AWAITING_BIND, ESTABLISHED, CLOSED }

    /**
     * The asks to the user entity go through the actor context (the reply completes a Scala future in place), not
     * through EntityRef.ask's CompletionStage: Scala's CompletionStage adapter runs every callback asynchronously on
     * the common pool, which on a machine with two cores or fewer starts a new thread for each one.
     */
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);
    /** Registering again after the user entity moved is retried this often (each waits ASK_TIMEOUT) before the
     * stream is closed with internal-server-error, so the client logs in afresh. */
    private static final int MAX_REATTACH_ATTEMPTS = 6;

    public static Behavior<Command> create(SessionServices services, org.apache.pekko.actor.ActorRef stage,
            SessionClock clock, NodeMetrics.Listener listener) {
        return org.apache.pekko.actor.typed.javadsl.Behaviors.setup(
                ctx -> new SessionActor(ctx, services, stage, clock, listener));
    }

    private final SessionServices services;
    private final org.apache.pekko.actor.ActorRef stage;
    private final SessionClock clock;
    private final NodeMetrics metrics;
    private final NodeMetrics.Listener listener;
    private Phase phase = Phase.AWAITING_STREAM_HEADER;
    private boolean tlsActive;
    private byte[] channelBinding;
    private boolean headerSent;
    private String streamId;
    private SaslServerMechanism sasl;
    private int authFailures;
    private Jid user;
    private Jid full;
    private java.util.Set<String> blocked;
    /** RFC 6121 §4.6: JIDs this session sent directed available presence to; they get unavailable at the end. */
    private java.util.Set<Jid> directedTo;
    /** The last available presence broadcast by this session (null: unavailable) and its {@link ResourceFlags}:
     * what it registers again with when its user entity restarts elsewhere. */
    private Element ownPresence;
    private int resourceFlags;
    private int reattachAttempts;
    /** Unbind sent, its confirmation not yet received: stanzas may still arrive and are handed back. */
    private boolean unbinding;
    private boolean connectionGone;
    /** Output and stage controls produced while handling the current message; see {@link #flushToStage}. */
    private StringBuilder pendingXml;
    private int pendingControls;

    private SessionActor(ActorContext<Command> context, SessionServices services,
            org.apache.pekko.actor.ActorRef stage, SessionClock clock, NodeMetrics.Listener listener) {
        super(context);
        this.services = services;
        this.metrics = services.metrics();
        this.listener = listener;
        this.stage = stage;
        // With direct TLS the handshake precedes the first stream header: TlsEstablished arrives first.
        this.clock = clock;
    }

    @Override
    public Receive<Command> createReceive() {
        Receive<Command> handlers = newReceiveBuilder()
                .onMessage(StreamOpened.class, this::onStreamOpened)
                .onMessage(ElementReceived.class, this::onElement)
                .onMessage(TlsEstablished.class, m -> {
                    tlsActive = true;
                    channelBinding = m.tlsServerEndPoint();
                    return this;
                })
                .onMessage(Deliver.class, this::onDeliver)
                .onMessage(BlocklistUpdated.class, m -> {
                    blocked = m.jids().isEmpty() ? null : m.jids();
                    return this;
                })
                .onMessage(CredentialsLoaded.class, this::onCredentials)
                .onMessage(BindAnswered.class, this::onBindAnswered)
                .onMessageEquals(EntityStopped.INSTANCE, this::reattach)
                .onMessageEquals(Unbound.INSTANCE, this::onUnbound)
                .onMessage(ReattachAnswered.class, this::onReattachAnswered)
                .onMessage(Registration.Answered.class, m -> Registration.answered(this, m))
                .onMessage(ParseFailed.class, m -> streamError(m.condition(), m.text()))
                .onMessage(Kicked.class, this::onKicked)
                .onMessage(TimedOut.class, m -> streamError(StreamErrorCondition.CONNECTION_TIMEOUT, null))
                .onMessageEquals(PeerClosedStream.INSTANCE, this::onPeerClosed)
                .onMessageEquals(ConnectionLost.INSTANCE, this::onConnectionLost)
                .build();
        return new Receive<>() {
            @Override
            public Behavior<Command> receiveMessage(Command msg) throws Exception {
                try {
                    return handlers.receiveMessage(msg);
                } finally {
                    flushToStage();
                }
            }

            @Override
            public Behavior<Command> receiveSignal(org.apache.pekko.actor.typed.Signal signal) throws Exception {
                return handlers.receiveSignal(signal);
            }
        };
    }

    // ---- §4.2 stream header --------------------------------------------------------------------------------

    private Behavior<Command> onStreamOpened(StreamOpened m) {
        StreamHeader h = m.header();
        streamId = services.newStreamId();
        String from = services.domain();
        // §4.7.2: a 'to' naming a domain we do not serve ends the stream with host-unknown.
        if (h.to() == null || !services.domain().equalsIgnoreCase(h.to())) {
            sendHeader(null);
            return streamError(StreamErrorCondition.HOST_UNKNOWN, null);
        }
        sendHeader(h.from());
        StringBuilder features = new StringBuilder(256).append("<stream:features>");
        if (phase == Phase.AWAITING_BIND) {
            features.append("<bind xmlns='").append(Namespaces.BIND).append("'/>")
                    .append("<session xmlns='").append(Namespaces.SESSION).append("'><optional/></session>")
                    .append(services.modules().streamFeatures(StreamFeature.Step.AFTER_AUTHENTICATION,
                            new StreamFeature.StreamContext(tlsActive)));
        } else if (!tlsActive && services.tlsAvailable() && services.requireTls()) {
            // §5.3.1: STARTTLS is mandatory-to-negotiate, so it is the only feature offered.
            features.append("<starttls xmlns='").append(Namespaces.TLS).append("'><required/></starttls>");
            phase = Phase.NEGOTIATING_TLS;
        } else {
            if (!tlsActive && services.tlsAvailable()) {
                features.append("<starttls xmlns='").append(Namespaces.TLS).append("'/>");
            }
            features.append("<mechanisms xmlns='").append(Namespaces.SASL).append("'>");
            for (String mech : advertisedMechanisms()) features.append("<mechanism>").append(mech).append("</mechanism>");
            features.append("</mechanisms>")
                    .append(services.modules().streamFeatures(StreamFeature.Step.BEFORE_AUTHENTICATION,
                            new StreamFeature.StreamContext(tlsActive)));
            phase = Phase.AUTHENTICATING;
        }
        features.append("</stream:features>");
        send(features.toString());
        processed();
        return this;
    }

    private java.util.List<String> advertisedMechanisms() {
        return SaslMechanisms.advertised(tlsActive, channelBinding != null,
                tlsActive || services.allowPlainWithoutTls());
    }

    private void sendHeader(String to) {
        if (headerSent) return;
        headerSent = true;
        if (streamId == null) streamId = services.newStreamId();
        send(new StreamHeader(to, services.domain(), streamId, "1.0", "en", Namespaces.CLIENT).toOpeningXml());
    }

    // ---- dispatch by phase -----------------------------------------------------------------------------------

    private Behavior<Command> onElement(ElementReceived m) {
        Element e = m.element();
        switch (phase) {
            case NEGOTIATING_TLS:
                return onNegotiatingTls(e);
            case AUTHENTICATING:
                return onAuthenticating(e);
            case AWAITING_BIND:
                return onAwaitingBind(e);
            case ESTABLISHED:
                return onEstablished(e);
            default:
                return this;
        }
    }

    // ---- §5 STARTTLS ------------------------------------------------------------------------------------------

    private Behavior<Command> onNegotiatingTls(Element e) {
        if (isStartTls(e)) return startTls();
        if (Stanzas.isStanza(e)) return streamError(StreamErrorCondition.NOT_AUTHORIZED, null);
        // §5.3.1: nothing but STARTTLS may be negotiated first.
        if (Namespaces.SASL.equals(e.namespace())) {
            send("<failure xmlns='" + Namespaces.SASL + "'><encryption-required/></failure>");
            processed();
            return this;
        }
        return streamError(StreamErrorCondition.POLICY_VIOLATION, "STARTTLS is required");
    }

    private static boolean isStartTls(Element e) {
        return "starttls".equals(e.name()) && Namespaces.TLS.equals(e.namespace());
    }

    private Behavior<Command> startTls() {
        if (tlsActive || !services.tlsAvailable()) {
            // §5.4.2.2: failure closes the stream.
            send("<failure xmlns='" + Namespaces.TLS + "'/>");
            return close(null);
        }
        send("<proceed xmlns='" + Namespaces.TLS + "'/>");
        pendingControls |= ConnectionStage.Out.START_TLS;
        headerSent = false;
        phase = Phase.AWAITING_STREAM_HEADER;
        processed();
        return this;
    }

    // ---- §6 SASL ------------------------------------------------------------------------------------------------

    private Behavior<Command> onAuthenticating(Element e) {
        if (isStartTls(e)) return startTls();
        if (Stanzas.isStanza(e)) {
            if (Registration.isRegistrationIq(e)) {
                // XEP-0077 §3: without in-band registration the query gets service-unavailable, not a dead stream.
                return services.registrationEnabled() ? Registration.handle(this, e)
                        : replyError(e, StanzaErrorCondition.SERVICE_UNAVAILABLE);
            }
            // §4.9.3.12: stanzas before authentication.
            return streamError(StreamErrorCondition.NOT_AUTHORIZED, null);
        }
        if (!Namespaces.SASL.equals(e.namespace())) {
            return streamError(StreamErrorCondition.POLICY_VIOLATION, "unexpected element during SASL negotiation");
        }
        switch (e.name()) {
            case "auth" -> {
                String mech = e.attr("mechanism");
                if (mech == null || !advertisedMechanisms().contains(mech)) {
                    if ("PLAIN".equals(mech) && !tlsActive) return saslFailure(SaslCondition.ENCRYPTION_REQUIRED, false);
                    return saslFailure(SaslCondition.INVALID_MECHANISM, false);
                }
                sasl = SaslMechanisms.create(mech, channelBinding, channelBinding != null);
                byte[] initial = decode(e.text());
                if (initial == null) return saslFailure(SaslCondition.INCORRECT_ENCODING, true);
                return onSaslStep(sasl.start(initial));
            }
            case "response" -> {
                if (sasl == null) return saslFailure(SaslCondition.MALFORMED_REQUEST, false);
                byte[] data = decode(e.text());
                if (data == null) return saslFailure(SaslCondition.INCORRECT_ENCODING, true);
                return onSaslStep(sasl.respond(data));
            }
            case "abort" -> {
                sasl = null;
                return saslFailure(SaslCondition.ABORTED, false);
            }
            default -> {
                return streamError(StreamErrorCondition.POLICY_VIOLATION, "unexpected SASL element");
            }
        }
    }

    /** RFC 6120 §6.4.2: an empty initial response is "=", no text means none. Null means bad base64. */
    private static byte[] decode(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty() || "=".equals(t)) return new byte[0];
        try {
            return Base64.getDecoder().decode(t);
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    private Behavior<Command> onSaslStep(SaslStep step) {
        if (step instanceof SaslStep.Challenge c) {
            send("<challenge xmlns='" + Namespaces.SASL + "'>" + Base64.getEncoder().encodeToString(c.data())
                    + "</challenge>");
            processed();
            return this;
        }
        if (step instanceof SaslStep.NeedCredentials n) {
            Jid candidate;
            try {
                candidate = Jid.of(n.username(), services.domain(), null);
            } catch (InvalidJidException | RuntimeException ex) {
                // Unusable user names get the same answer as wrong passwords.
                return onSaslStep(sasl.credentials(null));
            }
            user = candidate;
            io.rookery.protocol.sasl.ScramHash hash = SaslMechanisms.hashFor(sasl.name());
            getContext().ask(UserEntity.CredentialsResult.class, services.router().user(candidate), ASK_TIMEOUT,
                    r -> new UserEntity.GetCredentials(hash, r),
                    (ok, failure) -> new CredentialsLoaded(ok == null ? null : ok.credentials()));
            return this;
        }
        if (step instanceof SaslStep.Success s) {
            metrics.saslAttempt(sasl.name(), true);
            try {
                user = Jid.of(s.username(), services.domain(), null);
            } catch (InvalidJidException ex) {
                return saslFailure(SaslCondition.NOT_AUTHORIZED, true);
            }
            String extra = s.additionalData() == null || s.additionalData().length == 0 ? ""
                    : Base64.getEncoder().encodeToString(s.additionalData());
            sasl = null;
            // §6.4.6: the stream restarts; the next header opens the bind phase.
            send("<success xmlns='" + Namespaces.SASL + "'>" + extra + "</success>");
            pendingControls |= ConnectionStage.Out.RESTART_STREAM;
            headerSent = false;
            phase = Phase.AWAITING_BIND;
            processed();
            return this;
        }
        SaslStep.Failure f = (SaslStep.Failure) step;
        return saslFailure(f.condition(), true);
    }

    private Behavior<Command> onCredentials(CredentialsLoaded m) {
        if (sasl == null || phase != Phase.AUTHENTICATING) return this;
        if (m.credentials() == null) {
            // The account service did not answer in time: RFC 6120 §6.5.13 temporary-auth-failure.
            return saslFailure(SaslCondition.TEMPORARY_AUTH_FAILURE, false);
        }
        return onSaslStep(sasl.credentials(m.credentials().orElse(null)));
    }

    private Behavior<Command> saslFailure(SaslCondition condition, boolean counts) {
        metrics.saslAttempt(sasl == null ? "other" : sasl.name(), false);
        sasl = null;
        user = null;
        send("<failure xmlns='" + Namespaces.SASL + "'><" + condition.elementName() + "/></failure>");
        if (counts && ++authFailures >= services.maxAuthFailures()) {
            // §6.4.5 allows a bounded number of retries; past it the stream ends.
            return streamError(StreamErrorCondition.POLICY_VIOLATION, "too many failed authentication attempts");
        }
        processed();
        return this;
    }

    // ---- §7 resource binding ---------------------------------------------------------------------------------

    private Behavior<Command> onAwaitingBind(Element e) {
        if (!"iq".equals(e.name()) || !Namespaces.CLIENT.equals(e.namespace())) {
            return Stanzas.isStanza(e) ? streamError(StreamErrorCondition.NOT_AUTHORIZED, null)
                    : streamError(StreamErrorCondition.POLICY_VIOLATION, "expected resource binding");
        }
        Element bind = e.child("bind", Namespaces.BIND);
        if (bind == null || !"set".equals(e.attr("type"))) {
            // §7.1: no other stanza before a resource is bound.
            return streamError(StreamErrorCondition.NOT_AUTHORIZED, "bind a resource first");
        }
        String requested = bind.childText("resource", Namespaces.BIND);
        Jid bound;
        try {
            bound = user.withResource(requested == null || requested.isBlank()
                    ? services.newResource() : requested.trim());
        } catch (InvalidJidException | RuntimeException ex) {
            // §7.7.2.1: a resource that cannot be prepared.
            return replyError(e, StanzaErrorCondition.BAD_REQUEST);
        }
        full = bound;
        getContext().ask(UserEntity.BindResult.class, services.router().user(user), ASK_TIMEOUT,
                r -> new UserEntity.BindResource(bound.resource(), getContext().getSelf(), r),
                (ok, failure) -> new BindAnswered(e, ok, failure));
        return this;
    }

    private Behavior<Command> onBindAnswered(BindAnswered m) {
        if (phase != Phase.AWAITING_BIND) return this;
        if (m.failure() != null) {
            full = null;
            return replyError(m.iq(), StanzaErrorCondition.INTERNAL_SERVER_ERROR);
        }
        if (m.result() instanceof UserEntity.NoAccount) {
            return streamError(StreamErrorCondition.NOT_AUTHORIZED, "account no longer exists");
        }
        if (m.result() instanceof UserEntity.Bound b) getContext().watchWith(b.entity(), EntityStopped.INSTANCE);
        Element payload = Element.builder("bind", Namespaces.BIND)
                .child(Element.builder("jid", Namespaces.BIND).text(full.toString()).build()).build();
        send(Stanzas.iqResult(m.iq(), payload));
        phase = Phase.ESTABLISHED;
        listener.sessionEstablished();
        if (services.onlineSessions() != null) services.onlineSessions().bound(full);
        clock.established = true;
        pendingControls |= ConnectionStage.Out.ESTABLISHED;
        processed();
        return this;
    }

    // ---- the user entity moved (cluster rebalance, graceful leave, crash of its node) ------------------------

    private Behavior<Command> reattach() {
        if (unbinding) return onUnbound(); // the entity is gone: it will deliver nothing more
        if (phase != Phase.ESTABLISHED) return this;
        Jid bound = full;
        Element presence = ownPresence;
        int flags = resourceFlags;
        getContext().ask(UserEntity.BindResult.class, services.router().user(user), ASK_TIMEOUT,
                r -> new UserEntity.Reattach(bound.resource(), getContext().getSelf(), presence, flags, r),
                ReattachAnswered::new);
        return this;
    }

    private Behavior<Command> onReattachAnswered(ReattachAnswered m) {
        if (phase != Phase.ESTABLISHED) return this;
        if (m.result() instanceof UserEntity.Bound b) {
            reattachAttempts = 0;
            getContext().watchWith(b.entity(), EntityStopped.INSTANCE);
            return this;
        }
        if (m.result() instanceof UserEntity.Superseded) return streamError(StreamErrorCondition.CONFLICT, null);
        if (m.result() instanceof UserEntity.NoAccount) {
            return streamError(StreamErrorCondition.NOT_AUTHORIZED, "account no longer exists");
        }
        if (++reattachAttempts < MAX_REATTACH_ATTEMPTS) return reattach();
        return streamError(StreamErrorCondition.INTERNAL_SERVER_ERROR, "account unreachable");
    }

    // ---- established stream: stanzas (RFC 6120 §8, RFC 6121) -----------------------------------------------

    private Behavior<Command> onEstablished(Element e) {
        if (!Stanzas.isStanza(e)) {
            return streamError(StreamErrorCondition.UNSUPPORTED_STANZA_TYPE, null);
        }
        metrics.stanzaIn(e.name());
        // §8.1.2.1: the server stamps 'from' with the full JID, whatever the client wrote.
        Element stanza = e.withAttr("from", full.toString());
        String toAttr = stanza.attr("to");
        Jid to = null;
        if (toAttr != null) {
            try {
                to = Jid.parse(toAttr);
            } catch (InvalidJidException ex) {
                if (!"error".equals(stanza.attr("type"))) {
                    send(Stanzas.errorReply(stanza, StanzaError.of(StanzaErrorCondition.JID_MALFORMED)));
                }
                processed();
                return this;
            }
        }
        switch (stanza.name()) {
            case "iq" -> handleIq(stanza, to);
            case "presence" -> handlePresence(stanza, to);
            default -> handleMessage(stanza, to);
        }
        processed();
        return this;
    }

    private void handleIq(Element iq, Jid to) {
        String type = iq.attr("type");
        boolean request = "get".equals(type) || "set".equals(type);
        if (request && (iq.attr("id") == null || iq.elements().size() != 1)) {
            // RFC 6120 §8.2.3: a get/set carries an id and exactly one payload.
            send(Stanzas.errorReply(iq, StanzaError.of(StanzaErrorCondition.BAD_REQUEST)));
            return;
        }
        if (request && Namespaces.SESSION.equals(iq.elements().get(0).namespace())) {
            send(Stanzas.iqResult(iq, null)); // RFC 3921 session establishment, kept for old clients
            return;
        }
        if (to == null || (to.isBare() && to.equals(user))) {
            // RFC 6120 §10.3.3: no 'to' means the account itself; the entity answers (roster, RFC 6121 §2).
            if (request) {
                resourceFlags = ResourceFlags.after(resourceFlags, iq);
                services.router().user(user).tell(new UserEntity.OwnIq(full.resource(), iq));
            }
            return;
        }
        if (to.local() == null && to.resource() == null && services.domain().equals(to.domain())) {
            if (request) send(services.modules().answer(AddressKind.SERVER, iq));
            return;
        }
        if (refusedByBlocklist(iq, to)) return;
        services.router().route(iq, to);
    }

    /** XEP-0191 §3.3: the user's own stanzas to a blocked JID are not sent but answered with not-acceptable. */
    private boolean refusedByBlocklist(Element stanza, Jid to) {
        if (blocked == null || !io.rookery.node.user.Blocking.matches(blocked::contains, to)) return false;
        if (!"error".equals(stanza.attr("type"))) send(io.rookery.node.user.Blocking.refusal(stanza));
        return true;
    }

    private void handlePresence(Element presence, Jid to) {
        String type = presence.attr("type");
        if (to == null) {
            if ("unavailable".equals(type)) endDirectedPresence();
            else if (type != null) return; // subscription presence needs a contact; probes are the server's business
            ownPresence = type == null ? presence : null;
            services.router().user(user).tell(new UserEntity.OwnPresence(full.resource(), presence));
            return;
        }
        if ("subscribe".equals(type) || "subscribed".equals(type) || "unsubscribe".equals(type)
                || "unsubscribed".equals(type)) {
            // RFC 6121 §3: the user's own account updates its roster, then sends it on, stamped with the bare JID.
            services.router().user(user).tell(new UserEntity.OutboundSubscription(presence, to));
            return;
        }
        if ("probe".equals(type)) return;
        if (refusedByBlocklist(presence, to)) return;
        if (type == null) {
            if (directedTo == null) directedTo = new java.util.HashSet<>(4);
            directedTo.add(to);
        } else if ("unavailable".equals(type) && directedTo != null) {
            directedTo.remove(to);
        }
        services.router().route(presence, to);
    }

    private void handleMessage(Element message, Jid to) {
        if (to == null) {
            // RFC 6120 §10.3: no 'to' means the sender's bare JID.
            services.router().route(message.withAttr("to", user.toString()), user);
            return;
        }
        if (to.local() == null && services.domain().equals(to.domain())) {
            // Messages to the server itself: nothing here consumes them yet.
            if (!"error".equals(message.attr("type"))) {
                send(Stanzas.errorReply(message, StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE)));
            }
            return;
        }
        if (refusedByBlocklist(message, to)) return;
        services.router().route(message, to);
        if ("chat".equals(message.attr("type")) && !user.equals(to.bare())) {
            // XEP-0280 §7: the account copies it to the user's other carbons-enabled resources, if any. Messages
            // to the user's own JIDs are copied on receipt instead.
            services.router().user(user).tell(new UserEntity.SentMessage(full.resource(), message));
        }
    }

    private Behavior<Command> onDeliver(Deliver d) {
        if (phase == Phase.ESTABLISHED) {
            send(d.stanza());
            metrics.routed(d.routedAtMicros());
        } else if (unbinding) {
            handBack(d.stanza());
        }
        return this;
    }

    /**
     * A message that reached this session after it left goes back to the account, which now finds the resource
     * unbound and delivers it to another resource or stores it (RFC 6121 §8.5.3.2.1). Carbon copies and errors are
     * not kept; presence and iq to a gone resource are dropped or answered by the account as usual.
     */
    private void handBack(Element stanza) {
        if (!"message".equals(stanza.name()) || "error".equals(stanza.attr("type"))) return;
        for (Element child : stanza.elements()) {
            if (io.rookery.protocol.xep.carbons.Carbons.NS.equals(child.namespace())) return;
        }
        services.router().route(stanza);
    }

    private Behavior<Command> replyError(Element stanza, StanzaErrorCondition condition) {
        send(Stanzas.errorReply(stanza, StanzaError.of(condition)));
        processed();
        return this;
    }

    // ---- in-band registration (XEP-0077), only while authenticating -------------------------------------------

    SessionServices services() {
        return services;
    }

    Behavior<Command> registrationReply(Element reply) {
        send(reply);
        processed();
        return this;
    }

    ActorContext<Command> context() {
        return getContext();
    }

    // ---- closing ---------------------------------------------------------------------------------------------

    private Behavior<Command> onKicked(Kicked k) {
        StreamErrorCondition c = switch (k.reason()) {
            case RESOURCE_CONFLICT -> StreamErrorCondition.CONFLICT;
            case ACCOUNT_DELETED -> StreamErrorCondition.NOT_AUTHORIZED;
            case SYSTEM_SHUTDOWN -> StreamErrorCondition.SYSTEM_SHUTDOWN;
        };
        return streamError(c, null);
    }

    /** RFC 6120 §4.9.1: header first if none was sent, then the error, then the closing tag. */
    Behavior<Command> streamError(StreamErrorCondition condition, String text) {
        if (phase == Phase.CLOSED) return this;
        metrics.streamError(condition.elementName());
        sendHeader(null);
        return close(new StreamError(condition, text).toXml());
    }

    private Behavior<Command> onPeerClosed() {
        if (phase == Phase.CLOSED) return this;
        // §4.4: answer the closing tag with ours.
        sendHeader(null);
        return close(null);
    }

    private Behavior<Command> close(String before) {
        String tail = (before == null ? "" : before) + "</stream:stream>";
        send(tail);
        pendingControls |= ConnectionStage.Out.CLOSE;
        clock.closed = true;
        leave();
        phase = Phase.CLOSED;
        return this;
    }

    private Behavior<Command> onConnectionLost() {
        leave();
        if (unbinding) {
            // Stanzas the entity sent before it processed the unbind are still on their way: stop once it confirms.
            connectionGone = true;
            return this;
        }
        return org.apache.pekko.actor.typed.javadsl.Behaviors.stopped();
    }

    private Behavior<Command> onUnbound() {
        unbinding = false;
        return connectionGone ? org.apache.pekko.actor.typed.javadsl.Behaviors.stopped() : this;
    }

    /** RFC 6121 §4.6.3: those who got directed presence learn the session became unavailable. */
    private void endDirectedPresence() {
        if (directedTo == null || full == null) return;
        for (Jid to : directedTo) {
            services.router().route(Element.builder("presence", Namespaces.CLIENT).attr("from", full.toString())
                    .attr("to", to.toString()).attr("type", "unavailable").build(), to);
        }
        directedTo = null;
    }

    /** Unbinds from the user entity, which tells the other resources this one is unavailable. */
    private void leave() {
        if (full != null && phase == Phase.ESTABLISHED) {
            listener.sessionEnded();
            if (services.onlineSessions() != null) services.onlineSessions().unbound(full);
            endDirectedPresence();
            services.router().user(user).tell(new UserEntity.UnbindResource(full.resource(), getContext().getSelf()));
            unbinding = true;
        }
        full = null;
    }

    // ---- writing ---------------------------------------------------------------------------------------------

    private void send(Element stanza) {
        if ((pendingControls & ConnectionStage.Out.CLOSE) != 0) return; // nothing follows the closing tag
        if (phase == Phase.ESTABLISHED) metrics.stanzaOut(stanza.name());
        if (pendingXml == null) pendingXml = new StringBuilder(256);
        XmlWriter.write(stanza, Namespaces.CLIENT, pendingXml);
    }

    private void send(String xml) {
        if ((pendingControls & ConnectionStage.Out.CLOSE) != 0) return;
        if (pendingXml == null) pendingXml = new StringBuilder(Math.max(64, xml.length() + 32));
        pendingXml.append(xml);
    }

    /** The element that was handed over is dealt with: the stage may parse the next one. */
    private void processed() {
        pendingControls |= ConnectionStage.Out.PROCESSED;
    }

    /**
     * Hands what one message's handling produced to the stage as one {@link ConnectionStage.Out}: every write and
     * control of a step (the stream header and features, a SASL success and the restart, the bind result, the wider
     * window and the credit) crosses to the stream in a single message instead of one each.
     */
    private void flushToStage() {
        if (pendingXml == null && pendingControls == 0) return;
        String xml = pendingXml == null ? "" : pendingXml.toString();
        int controls = pendingControls;
        pendingXml = null;
        pendingControls = 0;
        stage.tell(new ConnectionStage.Out(xml, controls), org.apache.pekko.actor.ActorRef.noSender());
    }
}
