package io.rookery.node.c2s;

import io.rookery.node.ext.IqOutcome;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.SessionProtocol.Message;
import io.rookery.node.user.UserEntity;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.sasl.SaslServerMechanism;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.stanza.StreamError;
import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StreamHeader;
import io.rookery.protocol.xml.XmlWriter;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ExtensibleBehavior;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One client connection's RFC 6120 state machine. This class holds what the connection has negotiated and the
 * writing and closing every step shares; each step of the RFC is a {@link SessionState} of its own, created once per
 * node and shared by every session: {@link AwaitingStreamHeader} (§4.2), {@link NegotiatingTls} (§5),
 * {@link Authenticating} (§6), {@link AwaitingBind} (§7), {@link Established} (§8-§10 and RFC 6121) and
 * {@link Closed}. Only this actor decides what is written to its connection; its {@link SessionTransport} writes it.
 */
public final class SessionActor extends ExtensibleBehavior<Message> {

    // ---- messages -------------------------------------------------------------------------------------------

    /** The session's own messages; what user entities send it is {@link SessionProtocol}. */
    public interface Command extends Message {}

    /** Messages from the connection stage, the sweep and the actor itself: they never leave this node. */
    interface Local extends Command, NoSerializationVerificationNeeded {}

    record StreamOpened(StreamHeader header) implements Local {}

    record ElementReceived(Element element) implements Local {}

    record ParseFailed(StreamErrorCondition condition, String text) implements Local {}

    record TlsEstablished(byte[] tlsServerEndPoint) implements Local {}

    enum PeerClosedStream implements Local { INSTANCE }

    enum ConnectionLost implements Local { INSTANCE }

    /** The client closed its side of TLS (close_notify) without the stream's closing tag. */
    enum PeerClosedConnection implements Local { INSTANCE }

    /**
     * The stage closed the connection of a client that stopped reading (its output passed
     * rookery.c2s.max-outbound-buffer-bytes). Answered with a DRAIN write once the session writes nothing more; the
     * stage then hands back the messages it never wrote ({@link Undelivered}).
     */
    enum OutputDropped implements Local { INSTANCE }

    /** Messages this session wrote that never reached the socket: the connection ended first. */
    record Undelivered(java.util.List<Element> messages) implements Local {}

    /** PING: the client did not answer a XEP-0199 ping within rookery.c2s.ping-timeout. */
    enum TimedOut implements Local { NEGOTIATION, IDLE, PING }

    /** The client was silent for rookery.c2s.ping-after: time to ping it (XEP-0199 §4.1). */
    enum PingDue implements Local { INSTANCE }

    /** Written stanzas waited long enough for an acknowledgement nobody asked for (XEP-0198 request-ack-after). */
    enum AckDue implements Local { INSTANCE }

    /** credentials null: the lookup timed out; disabled: XEP-0133 §4.3, refused once the password proved right. */
    record CredentialsLoaded(Optional<ScramCredentials> credentials, boolean disabled) implements Local {}

    /** A throttled SASL attempt's wait is over (see {@link AuthThrottle}); hash: what to ask credentials for (null:
     * the user name was unusable). */
    record SaslAdmitted(io.rookery.protocol.sasl.ScramHash hash) implements Local {}

    /** A failed SASL attempt's held answer is due (see {@link AuthThrottle}). */
    record SaslFailureDue(io.rookery.protocol.sasl.SaslCondition condition) implements Local {}

    /** A platform login's next step ({@link PlatformLoginSteps}); sasl: the exchange it belongs to, so that an
     * answer for an exchange the client aborted is dropped. */
    record PlatformLogin(SaslServerMechanism sasl, PlatformLoginSteps.Progress progress) implements Local {}

    record BindAnswered(Element iq, UserEntity.BindResult result, Throwable failure) implements Local {}

    /** The user entity this session is registered with stopped: its shard moved or its node is gone. */
    enum EntityStopped implements Local { INSTANCE }

    record ReattachAnswered(UserEntity.BindResult result, Throwable failure) implements Local {}

    /** A module's answer that came later ({@link IqOutcome#later}); failure: the stage failed. */
    record IqAnswered(Element iq, IqOutcome outcome, Throwable failure) implements Local {}

    // The asks to the user entity (waiting rookery.c2s.account-lookup-timeout) go through the actor context (the
    // reply completes a Scala future in place), not through EntityRef.ask's CompletionStage: Scala's CompletionStage
    // adapter runs every callback asynchronously on the common pool, which on a machine with two cores or fewer
    // starts a new thread for each one.

    public static Behavior<Message> create(SessionServices services, SessionTransport transport, SessionClock clock,
            NodeMetrics.Listener listener) {
        return Behaviors.setup(ctx -> new SessionActor(ctx, services, transport, clock, listener));
    }

    // ---- what the connection has negotiated ------------------------------------------------------------------

    final ActorContext<Message> context;
    final SessionServices services;
    final SessionClock clock;
    final NodeMetrics metrics;
    final NodeMetrics.Listener listener;
    private final SessionTransport transport;
    SessionState state = AwaitingStreamHeader.INSTANCE;
    boolean tlsActive;
    byte[] channelBinding;
    private boolean headerSent;
    String streamId;
    SaslServerMechanism sasl;
    /** A XEP-0388 negotiation in progress (its inline requests, what its success will carry); null otherwise. */
    Sasl2Negotiation.Login sasl2;
    int authFailures;
    /** XEP-0077 accounts this connection registered before authenticating; a byte, so that it fits the object's
     * existing padding: every session carries it. */
    byte registrations;
    /** The bucket of this session's record among the node's online sessions (see OnlineSessions). */
    byte onlineBucket;
    /** The account wants the chat messages this session sends (SessionProtocol.SentCopies). */
    boolean sentCopies;
    /** SASL succeeded (§6.4.6): the restarted stream offers binding. */
    boolean authenticated;
    /** The account SASL is checking is disabled (RFC 6120 §6.5.1): a right password gets account-disabled. */
    boolean accountDisabled;
    /** The user (bare): the candidate while SASL looks up credentials, then the authenticated one; the bound full
     * JID once a resource is bound. */
    Jid user;
    Jid full;
    /** Copies of the account's filtered parts by part number (ext.StanzaFilter); null while all are empty. */
    Object[] mirrored;
    /** RFC 6121 §4.6: JIDs this session sent directed available presence to; they get unavailable at the end. */
    java.util.Set<Jid> directedTo;
    /** The last available presence broadcast by this session (null: unavailable) and its ResourceFlags: what it
     * registers again with when its user entity restarts elsewhere. */
    Element ownPresence;
    int resourceFlags;
    int reattachAttempts;
    /** A module's state in this stream (XEP-0198 acks); null until the client starts one. */
    io.rookery.node.ext.StreamExtension.State extension;
    /** XEP-0352: what the client's state policy holds back while the client says it is inactive; null while it is
     * active (see {@link ClientStates}). */
    io.rookery.node.ext.ClientStatePolicy.Holding held;
    /** XEP-0198: the stream as kept in Cassandra for resumption after a node loss; null when it is not. */
    KeptStream kept;
    /** A stream resumed after its node died: the messages it kept lately, not delivered again; null otherwise. */
    java.util.Set<String> repeats;
    /** Unbind sent, its confirmation not yet received: stanzas may still arrive and are handed back. */
    boolean unbinding;
    boolean connectionGone;
    /** The stage dropped the connection; it has not yet handed back the messages it never wrote. */
    boolean draining;
    /** Output and stage controls produced while handling the current message; see {@link #flush}. */
    private StringBuilder pendingXml;
    private int pendingControls;
    /** The messages among pendingXml that are handed back if never written; null when there are none. */
    private java.util.List<Element> pendingMessages;

    private SessionActor(ActorContext<Message> context, SessionServices services, SessionTransport transport,
            SessionClock clock, NodeMetrics.Listener listener) {
        this.context = context;
        this.services = services;
        this.metrics = services.metrics();
        this.listener = listener;
        this.transport = transport;
        this.clock = clock;
    }

    @Override
    public Behavior<Message> receive(TypedActorContext<Message> ctx, Message msg) {
        try {
            Behavior<Message> next = state.receive(this, msg);
            if (extension != null && extension.overflowing() && state != Closed.INSTANCE) {
                return streamError(StreamErrorCondition.POLICY_VIOLATION, "too many unacknowledged stanzas");
            }
            return next;
        } finally {
            flush();
        }
    }

    @Override
    public Behavior<Message> receiveSignal(TypedActorContext<Message> ctx, Signal signal) {
        return Behaviors.unhandled();
    }

    /** Moves to the next step; returns this behaviour, so a handler can end with {@code return s.become(...)}. */
    Behavior<Message> become(SessionState next) {
        // XEP-0198: how many sessions wait to be resumed.
        if (state == Detached.INSTANCE && next != Detached.INSTANCE) metrics.smDetached(-1);
        else if (next == Detached.INSTANCE && state != Detached.INSTANCE) metrics.smDetached(1);
        state = next;
        // XEP-0352: a detached session holds nothing back; its stream extension keeps it for the resumption.
        if (held != null && next == Detached.INSTANCE) ClientStates.detached(this);
        return this;
    }

    /** Bound, with its connection or (detached, XEP-0198 §5) waiting for a new one. */
    boolean established() {
        return state instanceof Established;
    }

    // ---- writing ---------------------------------------------------------------------------------------------

    /** RFC 6120 §4.2: our stream header, once per stream (a restart sends the next one). */
    void sendHeader(String to) {
        if (headerSent) return;
        headerSent = true;
        if (streamId == null) streamId = services.newStreamId();
        send(new StreamHeader(to, services.domain(), streamId, "1.0", "en", Namespaces.CLIENT).toOpeningXml());
    }

    /** The stream restarts (§5.4.3.3 after TLS, §6.4.6 after SASL): the next header is sent afresh. */
    void restartStream(int control) {
        pendingControls |= control;
        headerSent = false;
    }

    /** A fresh copy of one of the account's filtered parts (an unknown part name is ignored). */
    void mirror(SessionProtocol.PartMirrored m) {
        io.rookery.node.ext.AccountParts parts = services.modules().parts();
        io.rookery.node.ext.PartKey<?> key = parts.key(m.part());
        if (key == null) return;
        int i = parts.indexOf(key);
        Object part = m.snapshot() == null ? null : parts.part(i).restore(m.snapshot());
        if (mirrored == null) {
            if (part == null) return;
            mirrored = new Object[parts.size()];
        }
        mirrored[i] = part;
    }

    /** The session's copy of a filtered part, or null. */
    @SuppressWarnings("unchecked")
    <S> S mirroredPart(io.rookery.node.ext.PartKey<S> key) {
        int i = services.modules().parts().indexOf(key);
        return mirrored == null || i < 0 ? null : (S) mirrored[i];
    }

    void send(Element stanza) {
        if (held != null && state == Established.INSTANCE) ClientStates.offer(this, stanza);
        else write(stanza);
    }

    /** Writes a stanza now, whatever the client's state (XEP-0352): what {@link ClientStates} lets go comes here. */
    void write(Element stanza) {
        if ((pendingControls & ConnectionStage.Out.CLOSE) != 0) return; // nothing follows the closing tag
        String after = null;
        if (established()) {
            metrics.stanzaOut(stanza.name());
            if (extension != null) {
                // Kept until the client acknowledges it, which covers a write that never reached the socket.
                after = extension.sent(stanza);
                if (kept != null && handedBackIfUnwritten(stanza)) kept.logged(extension.sentTotal(), stanza);
            } else if (handedBackIfUnwritten(stanza)) {
                if (pendingMessages == null) pendingMessages = new java.util.ArrayList<>(2);
                pendingMessages.add(stanza);
            }
        }
        if (pendingXml == null) pendingXml = new StringBuilder(256);
        XmlWriter.write(stanza, Namespaces.CLIENT, pendingXml);
        if (after != null) pendingXml.append(after);
    }

    /**
     * What the account delivers elsewhere or stores when this session cannot take it (RFC 6121 §8.5.3.2.1): messages,
     * but not errors, nor carbon copies (XEP-0280), which are copies of what the user already has elsewhere.
     */
    static boolean handedBackIfUnwritten(Element stanza) {
        if (!"message".equals(stanza.name()) || "error".equals(stanza.attr("type"))) return false;
        for (Element child : stanza.elements()) {
            if (io.rookery.protocol.xep.carbons.Carbons.NS.equals(child.namespace())) return false;
        }
        return true;
    }

    void send(String xml) {
        if ((pendingControls & ConnectionStage.Out.CLOSE) != 0) return;
        if (pendingXml == null) pendingXml = new StringBuilder(Math.max(64, xml.length() + 32));
        pendingXml.append(xml);
    }

    void control(int control) {
        pendingControls |= control;
    }

    /** The element that was handed over is dealt with: the stage may parse the next one. */
    Behavior<Message> processed() {
        pendingControls |= ConnectionStage.Out.PROCESSED;
        return this;
    }

    /**
     * Hands what one message's handling produced to the transport as one {@link ConnectionStage.Out}: every write and
     * control of a step (the stream header and features, a SASL success and the restart, the bind result, the wider
     * window and the credit) crosses to the stream in a single message instead of one each.
     */
    private void flush() {
        if (extension != null && state == Established.INSTANCE) StreamExtensions.armAckDue(this);
        // XEP-0198 after a node loss: what this step must keep first, before its output goes out.
        boolean keep = kept != null && kept.due(this);
        if (pendingXml == null && pendingControls == 0 && !keep && (kept == null || !kept.confirming())) return;
        if (state == Detached.INSTANCE) {
            // No connection: what was sent is kept by the stream extension until a new stream resumes. Controls
            // still go (a DRAIN answers the stage that dropped the connection).
            pendingXml = null;
            pendingMessages = null;
        }
        String xml = pendingXml == null ? "" : pendingXml.toString();
        int controls = pendingControls;
        java.util.List<Element> messages = pendingMessages;
        pendingXml = null;
        pendingControls = 0;
        pendingMessages = null;
        ConnectionStage.Out out = xml.isEmpty() && controls == 0 ? null : new ConnectionStage.Out(xml, controls, messages);
        if (kept != null && kept.hold(this, out, keep)) return;
        if (out != null) transport.write(out);
    }

    /** Output that waited for its stream to be kept (XEP-0198, {@link KeptStream}). */
    void writeNow(ConnectionStage.Out out) {
        transport.write(out);
    }

    /** A module answered an iq later (only iq addressed to the stream are); the stream goes on with the next one. */
    Behavior<Message> onIqAnswered(IqAnswered a) {
        Element reply = a.failure() != null || a.outcome() == null
                ? Stanzas.errorReply(a.iq(), StanzaError.of(StanzaErrorCondition.INTERNAL_SERVER_ERROR))
                : a.outcome().reply();
        send(reply);
        streamIqAnswered(a.iq(), reply);
        return processed();
    }

    /** The only sets addressed to an unauthenticated stream are XEP-0077 registrations: a result is an account. */
    void streamIqAnswered(Element iq, Element reply) {
        if ("set".equals(iq.attr("type")) && "result".equals(reply.attr("type")) && registrations < Byte.MAX_VALUE) {
            registrations++;
        }
    }

    // ---- closing (RFC 6120 §4.4, §4.9) ------------------------------------------------------------------------

    Behavior<Message> onKicked(SessionProtocol.Kicked k) {
        if (state == Detached.INSTANCE) return Resumption.endDetached(this);
        if (state instanceof HandedOver) return Behaviors.stopped();
        StreamErrorCondition c = switch (k.reason()) {
            case RESOURCE_CONFLICT -> StreamErrorCondition.CONFLICT;
            case ACCOUNT_DELETED -> StreamErrorCondition.NOT_AUTHORIZED;
            case SYSTEM_SHUTDOWN -> StreamErrorCondition.SYSTEM_SHUTDOWN;
        };
        return streamError(c, null);
    }

    /** §4.9.1: header first if none was sent, then the error, then the closing tag. */
    Behavior<Message> streamError(StreamErrorCondition condition, String text) {
        if (state == Closed.INSTANCE) return this;
        metrics.streamError(condition.elementName());
        sendHeader(null);
        return close(new StreamError(condition, text).toXml());
    }

    Behavior<Message> onPeerClosed() {
        if (state == Closed.INSTANCE) return this;
        // §4.4: answer the closing tag with ours.
        sendHeader(null);
        return close(null);
    }

    /**
     * TLS closed by the client without a closing tag: a resumable session waits to be resumed (XEP-0198 §5; clients
     * such as Smack close the socket, and with it TLS, when their connection is lost); otherwise as the closing tag.
     */
    Behavior<Message> onPeerClosedConnection() {
        return onPeerClosedConnectionOr(null);
    }

    /** Detached when resumable, else closed (with this stream error, or none). */
    private Behavior<Message> onPeerClosedConnectionOr(StreamErrorCondition condition) {
        if (Resumption.detach(this)) {
            pendingControls |= ConnectionStage.Out.CLOSE;
            clock.closed = true;
            return this;
        }
        return condition == null ? onPeerClosed() : streamError(condition, null);
    }

    /** XEP-0199 §4.1: the server pings its client; the answer (any input) is noticed by the sweeper. */
    Behavior<Message> onPingDue() {
        if (state == Established.INSTANCE) {
            send(Element.builder("iq", Namespaces.CLIENT).attr("from", services.domain()).attr("to", full.toString())
                    .attr("id", "ping-" + Long.toHexString(System.nanoTime())).attr("type", "get")
                    .child(Element.of("ping", io.rookery.protocol.xep.ping.Ping.NS)).build());
            metrics.serverPing("sent");
        }
        return this;
    }

    /**
     * A ping went unanswered: the connection is taken for dead. A resumable session waits for its client (XEP-0198
     * §5), as when the connection is lost; any other stream ends with connection-timeout.
     */
    Behavior<Message> onPingTimedOut() {
        metrics.serverPing("timed-out");
        return onPeerClosedConnectionOr(StreamErrorCondition.CONNECTION_TIMEOUT);
    }

    Behavior<Message> close(String before) {
        String tail = (before == null ? "" : before) + "</stream:stream>";
        send(tail);
        pendingControls |= ConnectionStage.Out.CLOSE;
        clock.closed = true;
        leave();
        return become(Closed.INSTANCE);
    }

    Behavior<Message> onConnectionLost() {
        // Detached already (the stage tells of the end after a dropped output too): it waits to be resumed.
        if (state == Detached.INSTANCE) return this;
        if (state instanceof HandedOver) {
            connectionGone = true;
            return stopWhenDone();
        }
        if (Resumption.detach(this)) return this;
        leave();
        // Nothing more can be written: stanzas still on their way are handed back to the account (Closed does).
        state = Closed.INSTANCE;
        connectionGone = true;
        return stopWhenDone();
    }

    /** The client stopped reading: as a lost connection, and the stage is told this session writes nothing more. */
    Behavior<Message> onOutputDropped() {
        draining = true;
        pendingControls |= ConnectionStage.Out.DRAIN;
        return onConnectionLost();
    }

    /**
     * Messages the connection ended before writing go to the account again, which finds this resource unbound (the
     * unbind went first, along the same way) and delivers them to another resource, stores them or bounces them.
     */
    Behavior<Message> onUndelivered(Undelivered u) {
        boolean wasDropped = draining;
        draining = false;
        // A detached session keeps everything it sent in its stream extension; the stage holds none of it.
        if (state == Detached.INSTANCE) return this;
        if (state instanceof HandedOver) return stopWhenDone();
        // Sent before ConnectionLost when the connection simply ended: nothing more may be delivered here.
        leave();
        state = Closed.INSTANCE;
        int count = user == null ? 0 : handBack(u.messages(), user.bare());
        if (wasDropped) {
            long events = services.outputDrops().event(System.nanoTime());
            if (events > 0) {
                context.getLog().warn("c2s-output-dropped jid={} handed-back={} events={}", user, count, events);
            }
        }
        return stopWhenDone();
    }

    Behavior<Message> onUnbound() {
        unbinding = false;
        return stopWhenDone();
    }

    /**
     * Once the connection is gone the session stops when nothing more can come back to it: the account confirmed the
     * unbind (stanzas it sent before are in), and a stage that dropped the connection handed back what it held.
     */
    Behavior<Message> stopWhenDone() {
        return connectionGone && !unbinding && !draining ? Behaviors.stopped() : this;
    }

    /**
     * Returns how many messages went back to the account. Messages go back after the unbind (so the account delivers
     * them to another resource or stores them), requests are answered with service-unavailable (RFC 6121 §8.5.3.2.3
     * for an iq to a full JID that is gone); the rest is dropped.
     */
    int handBack(java.util.List<Element> stanzas, Jid bare) {
        int count = 0;
        for (Element stanza : stanzas) {
            if (handedBackIfUnwritten(stanza)) {
                services.router().user(bare).tell(UserEntity.Deliver.handedBack(stanza, bare));
                count++;
            } else if ("iq".equals(stanza.name())
                    && ("get".equals(stanza.attr("type")) || "set".equals(stanza.attr("type")))
                    && stanza.attr("from") != null) {
                services.router().route(Stanzas.errorReply(stanza,
                        StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE)));
            }
        }
        if (count > 0) metrics.c2sMessagesHandedBack(count);
        return count;
    }

    /** RFC 6121 §4.6.3: those who got directed presence learn the session became unavailable. */
    void endDirectedPresence() {
        if (directedTo == null || full == null) return;
        for (Jid to : directedTo) {
            services.router().route(Element.builder("presence", Namespaces.CLIENT).attr("from", full.toString())
                    .attr("to", to.toString()).attr("type", "unavailable").build(), to);
        }
        directedTo = null;
    }

    /** Unbinds from the user entity, which tells the other resources this one is unavailable. */
    void leave() {
        if (full != null && established()) {
            listener.sessionEnded();
            if (services.onlineSessions() != null) services.onlineSessions().unbound(full, onlineBucket);
            endDirectedPresence();
            services.router().user(user).tell(new UserEntity.UnbindResource(full.resource(), context.getSelf()));
            unbinding = true;
            // XEP-0198 §4: what the client never acknowledged is treated as sent to an unavailable resource.
            if (extension != null) handBack(extension.unacknowledged(), user.bare());
            // XEP-0352: what was held came after all of that.
            ClientStates.ended(this);
        }
        held = null;
        // Handed back above: nothing of the stream is kept any more (a stream handed over to a new one still is).
        if (kept != null && !kept.handedOver) kept.end();
        kept = null;
        if (extension != null && extension.resumptionId() != null) {
            services.notResumable(extension.resumptionId(), context.getSelf());
        }
        extension = null;
        full = null;
    }
}
