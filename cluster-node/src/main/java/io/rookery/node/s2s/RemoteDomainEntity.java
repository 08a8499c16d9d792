package io.rookery.node.s2s;

import io.rookery.node.ext.StanzaSink;
import io.rookery.protocol.s2s.Dialback;
import io.rookery.protocol.s2s.ServerStreams;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.ParserLimits;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Tcp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound link to one remote domain (RFC 6120 §4, §5, §6; XEP-0220), one sharded entity per domain, so that a
 * cluster sends a domain's stanzas through one stream whichever node their senders are on. It resolves the domain,
 * connects, negotiates STARTTLS (or starts with TLS, XEP-0368), authenticates with SASL EXTERNAL when the peer accepts
 * our certificate and with dialback otherwise, and then writes what it was given, in order. Stanzas wait in memory
 * while there is no link; those that waited longer than {@code queue-timeout}, or whose domain cannot be reached at
 * all, go back to their senders as {@code remote-server-timeout} or {@code remote-server-not-found} (§8.3.3.16-17).
 * The link also carries the dialback verifications ({@code db:verify}) that inbound streams of this node ask for.
 */
public final class RemoteDomainEntity extends AbstractBehavior<RemoteDomainEntity.Command> {
    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "RemoteDomain");
    private static final Logger LOG = LoggerFactory.getLogger(RemoteDomainEntity.class);

    public interface Command {}

    /** The commands that cross nodes (Kryo, {@link S2sMessagesRegistrar}). */
    interface Wire extends Command, io.rookery.persistence.kryo.KryoSerializable {}

    /**
     * A stanza for the domain ('from' stamped by the sender's session, in the client namespace), number {@code seq}
     * of those the {@link S2sOutbox} {@code outbox} sent for it; {@code firstUnacked}: the outbox's oldest stanza not
     * yet confirmed, where a link that has not heard from that outbox starts. Taken strictly in order: a number
     * already taken is a duplicate, a number past the next one waits for the outbox to send the gap again.
     */
    public record Send(Element stanza, ActorRef<S2sOutbox.Command> outbox, long seq, long firstUnacked)
            implements Wire {}

    /**
     * XEP-0220 §2.2: ask the domain's authoritative server whether {@code key} is the key it gave for the stream
     * {@code streamId} that one of our inbound streams opened for it; the answer goes to replyTo.
     */
    public record Verify(String streamId, String key, ActorRef<Verified> replyTo) implements Wire {}

    /** The answer to {@link Verify}: valid, invalid, or null when the domain could not be asked. */
    public record Verified(String streamId, Boolean valid) implements io.rookery.persistence.kryo.KryoSerializable {}

    private record StageEvent(long link, S2sStage.Event event) implements Command,
            org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    private record Resolved(long link, List<S2sResolver.Resolved> addresses, Throwable failure) implements Command,
            org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    private record ConnectFailed(long link, String reason) implements Command,
            org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    private enum Tick implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded { INSTANCE }

    /** What the entities of a node share. */
    record Shared(String localDomain, S2sSettings settings, S2sTls tls, S2sResolver resolver, StanzaSink router,
            byte[] dialbackSecret, Materializer materializer, S2sMetrics metrics) {}

    public static void init(ActorSystem<?> system, Shared shared) {
        ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> behavior(shared, ctx.getEntityId(),
                ctx.getShard())));
    }

    /**
     * The link that carries stanzas from {@code local} (the served domain, or a service's or component's domain of
     * ours) to {@code remote}: RFC 6120 §13.3 has a stream authenticate each pair of domains, so stanzas of
     * conference.example.com travel over a link that authenticated conference.example.com (SASL EXTERNAL with that
     * authorization identity, or dialback for it). The served domain's links are named by the remote domain alone.
     */
    public static String entityId(String local, String served, String remote) {
        return local.equals(served) ? remote : local + "|" + remote;
    }

    /** The entity without sharding, for tests: {@code shard} gets its passivation request. */
    static Behavior<Command> behavior(Shared shared, String domain, ActorRef<ClusterSharding.ShardCommand> shard) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> new RemoteDomainEntity(context, timers, shared,
                domain, shard)));
    }

    private enum Phase { RESOLVING, CONNECTING, OPENING, NEGOTIATING, STARTTLS, SASL, DIALBACK, READY }

    private final TimerScheduler<Command> timers;
    private final Shared shared;
    private final S2sSettings settings;
    private final String domain;
    private final String local;
    private final ActorRef<org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.ShardCommand> shard;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private final DialbackChecks checks = new DialbackChecks();

    private record Queued(Element stanza, long at, ActorRef<S2sOutbox.Command> outbox, long seq) {}

    private final OutboxLedger ledger;

    private long linkId;
    private Phase phase;
    private org.apache.pekko.actor.ActorRef stage;
    private ArrayDeque<S2sResolver.Resolved> addresses = new ArrayDeque<>();
    private boolean tlsOn;
    private SSLSession session;
    private boolean authenticated;
    private String streamId;
    private long linkStartedAt;
    private long lastActivity = System.nanoTime();
    private long lastWrite;
    private String lastFailure;
    /** When to try the domain again with stanzas kept (bounce-unreachable = off); 0: no attempt planned. */
    private long retryAt;

    private RemoteDomainEntity(ActorContext<Command> context, TimerScheduler<Command> timers, Shared shared,
            String domain, ActorRef<ClusterSharding.ShardCommand> shard) {
        super(context);
        this.timers = timers;
        this.shared = shared;
        this.settings = shared.settings();
        this.ledger = new OutboxLedger(domain);
        int bar = domain.indexOf('|');
        this.domain = bar < 0 ? domain : domain.substring(bar + 1);
        this.local = bar < 0 ? shared.localDomain() : domain.substring(0, bar);
        this.shard = shard;
        timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofSeconds(1));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Send.class, this::onSend)
                .onMessage(Verify.class, this::onVerify)
                .onMessage(Resolved.class, this::onResolved)
                .onMessage(ConnectFailed.class, this::onConnectFailed)
                .onMessage(StageEvent.class, this::onStageEvent)
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .build();
    }

    // ---- what the node asks --------------------------------------------------------------------------------

    private Behavior<Command> onSend(Send s) {
        lastActivity = System.nanoTime();
        if (!ledger.take(s.outbox(), s.seq(), s.firstUnacked())) return this;
        if (phase == Phase.READY) {
            shared.metrics().stanzaOut(1);
            if (LOG.isDebugEnabled()) LOG.debug("s2s-out-stanza domain={} stanza={}", domain, s.stanza());
            write(ServerStreams.toServerXml(s.stanza()));
            handled(s.outbox(), s.seq());
            return this;
        }
        if (queue.size() >= settings.maxQueuedStanzas()) {
            bounce(s.stanza(), StanzaErrorCondition.RESOURCE_CONSTRAINT, "too many stanzas wait for " + domain);
            handled(s.outbox(), s.seq());
            return this;
        }
        queue.add(new Queued(s.stanza(), System.nanoTime(), s.outbox(), s.seq()));
        if (phase == null) connect();
        return this;
    }

    /** The stanza left this link (written, or answered with an error): its outbox may forget it. */
    private void handled(ActorRef<S2sOutbox.Command> outbox, long seq) {
        ledger.handled(outbox, seq);
    }

    private Behavior<Command> onVerify(Verify v) {
        lastActivity = System.nanoTime();
        checks.add(v);
        if (phase == null) connect();
        else if (canVerify()) sendVerifies();
        return this;
    }

    // ---- the link ------------------------------------------------------------------------------------------

    private void connect() {
        linkId++;
        phase = Phase.RESOLVING;
        linkStartedAt = System.nanoTime();
        long link = linkId;
        getContext().pipeToSelf(shared.resolver().resolve(domain), (list, failure) -> new Resolved(link, list, failure));
    }

    private Behavior<Command> onResolved(Resolved r) {
        if (r.link() != linkId || phase != Phase.RESOLVING) return this;
        if (r.failure() != null || r.addresses().isEmpty()) {
            fail(StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND, "no address found for " + domain);
            return this;
        }
        addresses = new ArrayDeque<>(r.addresses());
        tryNextAddress();
        return this;
    }

    private void tryNextAddress() {
        S2sResolver.Resolved next = addresses.poll();
        if (next == null) {
            fail(StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND, lastFailure == null ? "no server of " + domain
                    + " answered" : lastFailure);
            return;
        }
        phase = Phase.CONNECTING;
        tlsOn = next.directTls();
        session = null;
        authenticated = false;
        streamId = null;
        stage = null;
        long link = linkId;
        ActorRef<S2sStage.Event> events = getContext().spawnAnonymous(forwarder(getContext().getSelf(), link));
        S2sStage s = new S2sStage(stageRef -> events, () -> shared.tls().engine(true, domain), next.directTls(),
                ParserLimits.forMaxStanzaBytes(settings.maxStanzaBytes()), settings.maxOutboundBufferBytes(),
                next.address());
        var tcp = Tcp.get(getContext().getSystem()).outgoingConnection(next.address(),
                Optional.<InetSocketAddress>empty(), List.<org.apache.pekko.io.Inet.SocketOption>of(), true,
                Optional.of(settings.connectTimeout()), Optional.<Duration>empty());
        var connected = Flow.fromGraph(s).joinMat(tcp, Keep.right()).run(shared.materializer());
        getContext().pipeToSelf(connected, (ok, failure) -> new ConnectFailed(link, failure == null ? null
                : "connect to " + next.address() + " failed: " + failure.getMessage()));
        LOG.info("s2s-out-connecting local={} domain={} address={} directTls={}", local, domain, next.address(),
                next.directTls());
    }

    /** A child that tags one connection's events with its link number, so events of an old link are ignored. */
    private static Behavior<S2sStage.Event> forwarder(ActorRef<Command> entity, long link) {
        return Behaviors.receive((ctx, event) -> {
            entity.tell(new StageEvent(link, event));
            return event instanceof S2sStage.Ended ? Behaviors.stopped() : Behaviors.same();
        });
    }

    private Behavior<Command> onConnectFailed(ConnectFailed f) {
        if (f.reason() == null || f.link() != linkId) return this;
        lastFailure = f.reason();
        LOG.info("s2s-out-connect-failed domain={} reason={}", domain, f.reason());
        if (phase == Phase.CONNECTING) tryNextAddress();
        return this;
    }

    private Behavior<Command> onStageEvent(StageEvent se) {
        if (se.link() != linkId) {
            if (se.event() instanceof S2sStage.Ready r) r.stage().tell(new S2sStage.Write("", S2sStage.Write.CLOSE),
                    org.apache.pekko.actor.ActorRef.noSender());
            return this;
        }
        S2sStage.Event e = se.event();
        if (e instanceof S2sStage.Ready r) {
            stage = r.stage();
            phase = Phase.OPENING;
            write(ServerStreams.header(local, domain, null));
        } else if (e instanceof S2sStage.Opened o) {
            streamId = o.header().id();
            if (!Namespaces.SERVER.equals(o.header().defaultNamespace())) {
                linkFailed("the peer's stream is not jabber:server");
            }
        } else if (e instanceof S2sStage.TlsUp t) {
            session = t.session();
        } else if (e instanceof S2sStage.Received r) {
            onElement(r.element());
        } else if (e instanceof S2sStage.Violation v) {
            write(new io.rookery.protocol.stanza.StreamError(v.condition(), v.text()).toXml() + "</stream:stream>",
                    S2sStage.Write.CLOSE);
        } else if (e instanceof S2sStage.PeerClosed) {
            write("</stream:stream>", S2sStage.Write.CLOSE);
        } else if (e instanceof S2sStage.Ended end) {
            onLinkEnded(end.reason());
        }
        return this;
    }

    private void onElement(Element e) {
        if (e.is("features", Namespaces.STREAM)) {
            onFeatures(e);
        } else if (e.is("proceed", Namespaces.TLS) && phase == Phase.STARTTLS) {
            write("", S2sStage.Write.START_TLS);
            tlsOn = true;
            write(ServerStreams.header(local, domain, null));
            phase = Phase.OPENING;
        } else if (e.is("failure", Namespaces.TLS)) {
            linkFailed("the peer refused STARTTLS");
        } else if (e.is("success", Namespaces.SASL) && phase == Phase.SASL) {
            authenticated = true;
            phase = Phase.OPENING;
            write(ServerStreams.header(local, domain, null), S2sStage.Write.RESTART);
        } else if (e.is("failure", Namespaces.SASL) && phase == Phase.SASL) {
            LOG.info("s2s-out-sasl-external-refused domain={}", domain);
            if (settings.dialback()) startDialback();
            else linkFailed("the peer refused our certificate (SASL EXTERNAL)");
        } else if (Dialback.isResult(e)) {
            if ("valid".equals(e.attr("type"))) {
                authenticated = true;
                ready("dialback");
            } else {
                linkFailed("the peer refused our dialback key (" + e.attr("type") + ")");
            }
        } else if (Dialback.isVerify(e)) {
            checks.answered(e);
        } else if (e.is("error", Namespaces.STREAM)) {
            lastFailure = "stream error from the peer: " + e.elements();
            LOG.info("s2s-out-stream-error domain={} error={}", domain, e);
        } else {
            LOG.debug("s2s-out-ignored domain={} element={}", domain, e.name());
        }
    }

    /** RFC 6120 §4.3.2: what the peer offers decides the next step. */
    private void onFeatures(Element features) {
        if (!tlsOn) {
            if (features.child("starttls", Namespaces.TLS) != null) {
                phase = Phase.STARTTLS;
                write("<starttls xmlns='" + Namespaces.TLS + "'/>");
                return;
            }
            if (settings.requireEncryption()) {
                linkFailed(domain + " offers no TLS (rookery.s2s.require-encryption)");
                return;
            }
        }
        if (authenticated) {
            ready("sasl-external");
            return;
        }
        boolean certOk = tlsOn && shared.tls().authenticates(session, domain);
        if (!certOk && settings.requireValidCertificates()) {
            linkFailed("the certificate of " + domain + " does not authenticate it (rookery.s2s."
                    + "require-valid-certificates)");
            return;
        }
        phase = Phase.NEGOTIATING;
        sendVerifies();
        Element mechanisms = features.child("mechanisms", Namespaces.SASL);
        if (certOk && mechanisms != null && offers(mechanisms, "EXTERNAL")) {
            // XEP-0178 §3: the authorization identity is our domain.
            phase = Phase.SASL;
            write("<auth xmlns='" + Namespaces.SASL + "' mechanism='EXTERNAL'>"
                    + Base64.getEncoder().encodeToString(local.getBytes(StandardCharsets.UTF_8)) + "</auth>");
        } else if (settings.dialback()) {
            startDialback();
        } else {
            linkFailed(domain + " offers no way to authenticate us that is switched on here");
        }
    }

    private static boolean offers(Element mechanisms, String name) {
        for (Element m : mechanisms.elements()) if (name.equals(m.text())) return true;
        return false;
    }

    private void startDialback() {
        if (streamId == null) {
            linkFailed(domain + " gave its stream no id, which dialback needs");
            return;
        }
        phase = Phase.DIALBACK;
        write(Dialback.result(local, domain, Dialback.key(shared.dialbackSecret(), domain, local, streamId)));
    }

    private boolean canVerify() {
        return stage != null && (phase == Phase.NEGOTIATING || phase == Phase.SASL || phase == Phase.DIALBACK
                || phase == Phase.READY);
    }

    private void sendVerifies() {
        String requests = checks.requests(local, domain);
        if (!requests.isEmpty()) write(requests);
    }

    private void ready(String how) {
        phase = Phase.READY;
        lastFailure = null;
        LOG.info("s2s-out-ready local={} domain={} auth={} queued={}", local, domain, how, queue.size());
        sendVerifies();
        if (queue.isEmpty()) return;
        StringBuilder out = new StringBuilder();
        for (Queued q : queue) out.append(ServerStreams.toServerXml(q.stanza()));
        shared.metrics().stanzaOut(queue.size());
        write(out.toString());
        for (Queued q : queue) handled(q.outbox(), q.seq());
        queue.clear();
    }

    /** This address did not work out: the connection closes, and its end tries the next address. */
    private void linkFailed(String reason) {
        lastFailure = reason;
        LOG.info("s2s-out-link-failed domain={} reason={}", domain, reason);
        if (stage != null) write("</stream:stream>", S2sStage.Write.CLOSE);
        else onLinkEnded(reason);
    }

    private void onLinkEnded(String reason) {
        boolean wasReady = phase == Phase.READY;
        stage = null;
        checks.unanswerable(false);
        if (wasReady) {
            LOG.info("s2s-out-closed domain={} reason={}", domain, reason);
            phase = null;
            if (!queue.isEmpty() || checks.waitingForLink()) connect();
            return;
        }
        if (phase == Phase.CONNECTING || phase == Phase.OPENING || phase == Phase.NEGOTIATING
                || phase == Phase.STARTTLS || phase == Phase.SASL || phase == Phase.DIALBACK) {
            if (lastFailure == null) lastFailure = reason;
            if (!addresses.isEmpty()) {
                tryNextAddress();
                return;
            }
            fail(StanzaErrorCondition.REMOTE_SERVER_NOT_FOUND, lastFailure);
        }
    }

    /** No server of the domain could be reached: everything waiting goes back. */
    private void fail(StanzaErrorCondition condition, String reason) {
        boolean keep = !settings.bounceUnreachable() && !queue.isEmpty();
        LOG.info("s2s-out-unreachable local={} domain={} reason={} {}={}", local, domain, reason,
                keep ? "kept" : "bounced", queue.size());
        phase = null;
        stage = null;
        linkId++;
        checks.unanswerable(true);
        if (keep) {
            // bounce-unreachable = off: the stanzas wait (each at most queue-timeout) for the next attempt.
            retryAt = System.nanoTime() + settings.retryInterval().toNanos();
            return;
        }
        while (!queue.isEmpty()) {
            Queued q = queue.poll();
            bounce(q.stanza(), condition, null);
            handled(q.outbox(), q.seq());
        }
    }

    private Behavior<Command> onTick() {
        long now = System.nanoTime();
        if (phase == null && retryAt != 0 && now - retryAt >= 0) {
            retryAt = 0;
            if (!queue.isEmpty()) connect();
        }
        if (phase != null && phase != Phase.READY && now - linkStartedAt > settings.negotiationTimeout().toNanos()) {
            lastFailure = "no link to " + domain + " within " + settings.negotiationTimeout().toSeconds() + " s";
            if (stage != null) write("</stream:stream>", S2sStage.Write.CLOSE);
            fail(StanzaErrorCondition.REMOTE_SERVER_TIMEOUT, lastFailure);
        }
        long timeout = settings.queueTimeout().toNanos();
        while (!queue.isEmpty() && now - queue.peek().at() > timeout) {
            Queued q = queue.poll();
            bounce(q.stanza(), StanzaErrorCondition.REMOTE_SERVER_TIMEOUT, null);
            handled(q.outbox(), q.seq());
        }
        ledger.confirmAll();
        if (phase == Phase.READY && now - lastWrite > settings.keepaliveInterval().toNanos()) {
            // RFC 6120 §4.6.1: whitespace keeps NATs and the peer's idle timer from closing a quiet link.
            write(" ");
        }
        if (queue.isEmpty() && checks.isEmpty()
                && now - lastActivity > settings.idleTimeout().toNanos()) {
            if (stage != null) write("</stream:stream>", S2sStage.Write.CLOSE);
            shard.tell(new ClusterSharding.Passivate<>(getContext().getSelf()));
            lastActivity = now;
        }
        return this;
    }

    private void bounce(Element stanza, StanzaErrorCondition condition, String text) {
        String type = stanza.attr("type");
        if ("error".equals(type) || "result".equals(type) || "presence".equals(stanza.name())) return;
        shared.router().route(Stanzas.errorReply(stanza, text == null ? StanzaError.of(condition)
                : StanzaError.of(condition, text)));
    }

    private void write(String xml) {
        write(xml, 0);
    }

    private void write(String xml, int controls) {
        if (stage == null) return;
        lastWrite = System.nanoTime();
        stage.tell(new S2sStage.Write(xml, controls), org.apache.pekko.actor.ActorRef.noSender());
    }
}
