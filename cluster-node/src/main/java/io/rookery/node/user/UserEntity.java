package io.rookery.node.user;

import io.rookery.node.ext.MessageStamp;
import io.rookery.node.ext.ResourceFlags;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.user.AccountCreated;
import io.rookery.persistence.user.AccountDeleted;
import io.rookery.persistence.user.AccountDisabled;
import io.rookery.persistence.user.AccountEnabled;
import io.rookery.persistence.user.PasswordChanged;
import io.rookery.persistence.user.UserEvent;
import io.rookery.node.ext.AccountView;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.StanzaFilter;
import io.rookery.node.ext.BoundResource;
import io.rookery.node.ext.Hook;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.IqOutcome;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.StoredXml;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.sasl.ScramHash;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import io.rookery.node.metrics.NodeMetrics;

/**
 * One account, keyed by bare JID: credentials (SCRAM keys only) are persisted; the online resources are kept in
 * memory by {@link OnlineResources} and rebuilt by sessions registering again.
 */
public final class UserEntity extends PersistentAccount<UserEntity.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "User");

    // ---- protocol -------------------------------------------------------------------------------------------

    public sealed interface Command extends KryoSerializable {}

    public record CreateAccount(List<ScramCredentials> credentials, ActorRef<AccountResult> replyTo)
            implements Command {}

    public record ChangePassword(List<ScramCredentials> credentials, ActorRef<AccountResult> replyTo)
            implements Command {}

    public record DeleteAccount(ActorRef<AccountResult> replyTo) implements Command {}

    /** The credentials of an account not disabled; a disabled one answers none (so it cannot log in). */
    public record GetCredentials(ScramHash hash, ActorRef<CredentialsResult> replyTo) implements Command {}

    /**
     * A login's question: the credentials, and whether the account is disabled (XEP-0133 §4.3), which the session
     * tells the client only once the password proved right (RFC 6120 §6.5.1 account-disabled).
     */
    public record GetLoginCredentials(ScramHash hash, ActorRef<LoginCredentials> replyTo) implements Command {}

    /** An administrator disables the account (its sessions end, it may not log in) or enables it again. */
    public record SetDisabled(boolean disabled, ActorRef<AccountResult> replyTo) implements Command {}

    /**
     * Binds a resource for a session (RFC 6120 §7); an existing session with that resource is replaced. flags: the
     * {@link ResourceFlags} the resource starts with (XEP-0386 enables carbons with the bind).
     */
    public record BindResource(String resource, ActorRef<SessionProtocol.Message> session, int flags,
            ActorRef<BindResult> replyTo) implements Command {
        public BindResource(String resource, ActorRef<SessionProtocol.Message> session, ActorRef<BindResult> replyTo) {
            this(resource, session, 0, replyTo);
        }
    }

    public record UnbindResource(String resource, ActorRef<SessionProtocol.Message> session) implements Command {}

    /** Presence without a 'to' from one of the user's own sessions (RFC 6121 §4.2, §4.5). */
    public record OwnPresence(String resource, Element presence) implements Command {}

    /**
     * A stanza addressed to this user's bare or full JID, 'from' already stamped; routedAtMicros is when the router
     * took it (epoch microseconds, for the routing latency metric). confirmTo (null: nobody): the sender's session,
     * told {@link SessionProtocol.Handled} with token once the message is delivered and archived, or stored offline
     * and archived, so that its XEP-0198 acknowledgement means the message is kept. taken: this account took the
     * message before (stamped and archived it) and a session of the user could not deliver it, so it is delivered
     * to another resource or stored without being stamped or archived again.
     * attempt: how many times the sender routed it before (XEP-0198: again when its confirmation did not come in
     * time); a copy routed again is not delivered twice ({@link RecentDeliveries}).
     */
    public record Deliver(Element stanza, Jid to, long routedAtMicros, ActorRef<SessionProtocol.Message> confirmTo,
            long token, boolean taken, int attempt) implements Command {
        public Deliver(Element stanza, Jid to, long routedAtMicros, ActorRef<SessionProtocol.Message> confirmTo,
                long token, boolean taken) {
            this(stanza, to, routedAtMicros, confirmTo, token, taken, 0);
        }

        public Deliver(Element stanza, Jid to, long routedAtMicros) {
            this(stanza, to, routedAtMicros, null, 0, false);
        }

        public Deliver(Element stanza, Jid to) {
            this(stanza, to, 0);
        }

        /** A message a session of the user could not deliver, back to the account that took it. */
        public static Deliver handedBack(Element stanza, Jid to) {
            return new Deliver(stanza, to, 0, null, 0, true);
        }
    }

    /** An iq from one of the user's own sessions to the account itself (roster, RFC 6121 §2). */
    public record OwnIq(String resource, Element iq) implements Command {}

    /** A subscription presence (subscribe, subscribed, unsubscribe, unsubscribed) sent by the user (§3). */
    public record OutboundSubscription(Element presence, Jid to) implements Command {}

    /** A chat message one of the user's sessions sent, for the modules' STANZA_SENT hook (XEP-0280 sent carbons). */
    public record SentMessage(String resource, Element message) implements Command {}

    /**
     * A session bound to an earlier incarnation of this entity (whose shard moved, or whose node crashed) registers
     * again: its last available presence (null when unavailable) and its {@link ResourceFlags}. Answered with
     * {@link Bound}, {@link Superseded} when another session took the resource meanwhile, or {@link NoAccount}.
     */
    public record Reattach(String resource, ActorRef<SessionProtocol.Message> session, Element presence, int flags,
            ActorRef<BindResult> replyTo) implements Command {}

    /**
     * XEP-0198 §5: a new session resumes the one bound to this resource (on the same node); the entity talks to the
     * successor from now on, tells the predecessor {@link SessionProtocol.Unbound} after everything it sent it, and
     * nobody else hears of it. Answered with {@link Bound}, {@link Superseded} when the resource is no longer the
     * predecessor's, or {@link NoAccount}.
     */
    public record SwapSession(String resource, ActorRef<SessionProtocol.Message> predecessor,
            ActorRef<SessionProtocol.Message> successor, ActorRef<BindResult> replyTo) implements Command {}

    /**
     * XEP-0198 §5 from another node: a new stream asks the session bound to this resource to hand itself over (the
     * session checks the SM-ID and the user); answered {@link SessionProtocol.ResumeAnswer#NOT_FOUND} when no
     * session holds the resource.
     */
    public record ResumeSession(String resource, SessionProtocol.TakeOver takeOver) implements Command {}

    /**
     * A session this user held on a node that is gone (from the node's record in Cassandra): if the resource is still
     * bound to a session on that node, or no longer bound at all (the entity died with the node), contacts learn it
     * is unavailable. A resource bound again since, by a live session, is left alone. smId: the session kept its
     * stream (XEP-0198, {@link LostStreams}), which now waits to be resumed, or is flushed at once when a fresh
     * session bound the resource meanwhile. nodeAddress null: a new stream failed to resume that kept stream.
     */
    public record SessionLost(String resource, String nodeAddress, String smId) implements Command {
        public SessionLost(String resource, String nodeAddress) {
            this(resource, nodeAddress, null);
        }
    }

    /**
     * XEP-0198: the session bound to the resource keeps its stream after a node loss ({@code ResourceFlags.KEPT}):
     * messages with a sender waiting for their confirmation go to it as {@link SessionProtocol.DeliverKept}.
     */
    public record StreamKept(String resource) implements Command {}

    /**
     * XEP-0198 §5: the session bound to the resource lost its connection and waits to be resumed
     * ({@link ResourceFlags#DETACHED}, which its resumption clears). Ignored when the resource is another session's
     * by now.
     */
    public record ResourceDetached(String resource, ActorRef<SessionProtocol.Message> session) implements Command {}

    /** {@link LostStreams}: the resumption time of a lost stream is over (a timer; never leaves the node). */
    record LostStreamDue(String resource, String smId)
            implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    /** {@link LostStreams}: what was read of a lost stream, its header (entries false) or its messages. */
    record LostStreamRead(String resource, String smId, io.rookery.persistence.sm.StreamOutbox.Stream stream,
            Throwable failure, boolean entries)
            implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    /** {@link LostStreams}: a lost stream's messages went back to the account, ahead of this in its mailbox. */
    record LostStreamFlushed(String resource, String smId, int messages)
            implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    /** Internal: a bound session stopped (its node crashed, or it ended without unbinding), like its unbind. */
    public record SessionStopped(String resource, ActorRef<SessionProtocol.Message> session) implements Command {}


    /** Internal: a module's store work completed (see {@link HookOutcome#then}); local only, never serialized. */
    public record ModuleWorkDone(HookOutcome outcome, Throwable failure)
            implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    /** Internal: a module's answer to one of the user's iq that came later ({@link IqOutcome#later}). */
    public record OwnIqAnswered(String resource, Element iq, IqOutcome outcome, Throwable failure)
            implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    /** Internal: a module's answer, come later, to an iq another entity sent to the user's bare JID. */
    public record OtherIqAnswered(Element iq, IqOutcome outcome, Throwable failure)
            implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    /** Internal: the entity's own passivation timer. */
    public enum Passivate implements Command { INSTANCE }

    /**
     * Internal: sent by the shard to stop the entity (passivation, or handoff when the shard moves). Queued behind a
     * persist in progress, so the write's reply and its follow-up still happen before the entity stops.
     */
    public enum Stop implements Command { INSTANCE }

    public enum AccountStatus { CREATED, ALREADY_EXISTS, UPDATED, DELETED, NOT_FOUND }

    public record AccountResult(AccountStatus status) implements KryoSerializable {}

    public record CredentialsResult(Optional<ScramCredentials> credentials) implements KryoSerializable {}

    public record LoginCredentials(Optional<ScramCredentials> credentials, boolean disabled)
            implements KryoSerializable {}

    /**
     * A login's question for a module's part of the account (XEP-0484 tokens), by the part's name: answered with
     * {@link PartRead}.
     */
    public record GetPart(String part, ActorRef<PartRead> replyTo) implements Command {}

    /** The part as a snapshot writes it (null when empty, or no enabled module declared it). */
    public record PartRead(KryoSerializable snapshot, boolean exists, boolean disabled) implements KryoSerializable {}

    /**
     * A session persists events of a module's part for its login (XEP-0484: a token issued, used or revoked); only
     * events some module's part applies are taken. Answered once they are written.
     */
    public record PersistPartEvents(List<UserEvent> events, ActorRef<PartEventsPersisted> replyTo) implements Command {}

    public record PartEventsPersisted(boolean persisted) implements KryoSerializable {}

    public sealed interface BindResult extends KryoSerializable {}

    /** The resource is bound; the session watches {@code entity} to learn when it must register again. */
    public record Bound(String resource, ActorRef<Command> entity) implements BindResult {}

    public record NoAccount() implements BindResult {}

    /** The resource a session tried to register again belongs to a newer session now. */
    public record Superseded() implements BindResult {}

    // ---- wiring ---------------------------------------------------------------------------------------------

    /** Starts sharding of user entities on this node; directory may be null (tests without Cassandra). */
    /**
     * Per-account limits ({@code rookery.user}): how long an account with no session stays in memory; how many
     * inbound subscription requests it keeps (anyone may send one: past it the sender gets resource-constraint), and
     * the size past which a kept request loses its payload; and the stanzas (estimated bytes) that may wait while the
     * account waits for a store, past which they are bounced with resource-constraint; the roster's items and size.
     */
    public record Limits(Duration passivateAfter, int maxPendingSubscriptionRequests,
            int maxStoredSubscriptionRequestBytes, long maxWaitingBytes, int maxRosterItems, long maxRosterBytes,
            Duration lostStreamWait) {
        public Limits(Duration passivateAfter) {
            this(passivateAfter, 1000, 4096, 4L << 20, 5000, 2L << 20);
        }

        public Limits(Duration passivateAfter, int maxPendingSubscriptionRequests,
                int maxStoredSubscriptionRequestBytes, long maxWaitingBytes, int maxRosterItems, long maxRosterBytes) {
            this(passivateAfter, maxPendingSubscriptionRequests, maxStoredSubscriptionRequestBytes, maxWaitingBytes,
                    maxRosterItems, maxRosterBytes, Duration.ofSeconds(300));
        }

        public static Limits from(com.typesafe.config.Config root) {
            com.typesafe.config.Config u = root.getConfig("rookery.user");
            int pending = u.getInt("max-pending-subscription-requests");
            long chars = u.getBytes("max-stored-subscription-request-bytes");
            if (pending < 0 || pending > 100_000) {
                throw new com.typesafe.config.ConfigException.BadValue("rookery.user.max-pending-subscription-requests",
                        "must be between 0 and 100000");
            }
            if (chars < 256 || chars > (1 << 20)) {
                throw new com.typesafe.config.ConfigException.BadValue(
                        "rookery.user.max-stored-subscription-request-bytes", "must be between 256 B and 1 MiB");
            }
            long waiting = u.getBytes("max-waiting-bytes");
            if (waiting < (64 << 10) || waiting > (1L << 30)) {
                throw new com.typesafe.config.ConfigException.BadValue("rookery.user.max-waiting-bytes",
                        "must be between 64 KiB and 1 GiB");
            }
            int rosterItems = u.getInt("max-roster-items");
            long rosterBytes = u.getBytes("max-roster-bytes");
            if (rosterItems < 1 || rosterItems > 1_000_000 || rosterBytes < 1024 || rosterBytes > (1L << 30)) {
                throw new com.typesafe.config.ConfigException.BadValue("rookery.user.max-roster-items",
                        "max-roster-items must be between 1 and 1000000, max-roster-bytes between 1 KiB and 1 GiB");
            }
            // XEP-0198: a stream lost with its node waits this long to be resumed before its messages go elsewhere.
            Duration lostStreamWait = root.hasPath("rookery.modules.sm.max-resumption-time")
                    ? root.getDuration("rookery.modules.sm.max-resumption-time") : Duration.ofSeconds(300);
            return new Limits(u.getDuration("passivate-after"), pending, (int) chars, waiting, rosterItems,
                    rosterBytes, lostStreamWait);
        }
    }

    public static void init(ActorSystem<?> system, StanzaRouter router, AccountDirectory directory, Limits limits,
            NodeMetrics metrics) {
        ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx, router, directory, limits, metrics))
                .withStopMessage(Stop.INSTANCE));
    }

    static Behavior<Command> create(EntityContext<Command> entityContext, StanzaRouter router, AccountDirectory directory,
            Limits limits, NodeMetrics metrics) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            Jid jid = Jid.parse(entityContext.getEntityId());
            return new UserEntity(jid, ctx, timers, entityContext.getShard(), router, directory, limits, metrics);
        }));
    }

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final Limits limits;
    private final AccountDirectory directory;
    private final OnlineResources online;
    private final Contacts contacts;
    private boolean passivating;
    private final LostStreams lostStreams;
    private final RecentDeliveries recentDeliveries = new RecentDeliveries();
    /** Estimated size of the stanzas stashed while a module waits for its store. */
    private long stashedBytes;

    private UserEntity(Jid jid, ActorContext<Command> context, TimerScheduler<Command> timers,
            ActorRef<ClusterSharding.ShardCommand> shard, StanzaRouter router, AccountDirectory directory, Limits limits,
            NodeMetrics metrics) {
        super(PersistenceId.of(TYPE_KEY.name(), jid.toString()), jid, router, metrics);
        this.context = context;
        this.timers = timers;
        this.shard = shard;
        this.limits = limits;
        this.directory = directory;
        this.online = new OnlineResources(jid, router);
        this.contacts = new Contacts(jid, router, online, limits, metrics);
        this.lostStreams = new LostStreams(context, timers,
                () -> router.modules().stores() == null ? null : router.modules().stores().streams(),
                limits.lostStreamWait(), jid, metrics);
        armPassivation();
    }

    /** Persistence id of the account whose bare JID is given; also the admin CLI's key. */
    public static String entityId(Jid bare) {
        return bare.toString();
    }

    @Override
    public CommandHandlerWithReply<Command, UserEvent, UserState> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(ModuleWorkDone.class, (state, cmd) -> moduleWorkDone(cmd.outcome(), cmd.failure()))
                // While a module waits for its store, everything else waits, in order (Pekko's stash), up to a
                // byte budget: stanzas past it go back to their senders (they may be large, the stash counts items).
                .onCommand(c -> awaitingModules, (state, cmd) -> waitFor(cmd))
                .onCommand(CreateAccount.class, this::onCreate)
                .onCommand(ChangePassword.class, this::onChangePassword)
                .onCommand(DeleteAccount.class, this::onDelete)
                .onCommand(GetCredentials.class, (state, cmd) -> Effect().reply(cmd.replyTo(),
                        new CredentialsResult(state.disabled() ? Optional.empty() : state.credentialsFor(cmd.hash()))))
                .onCommand(GetLoginCredentials.class, (state, cmd) -> Effect().reply(cmd.replyTo(),
                        new LoginCredentials(state.credentialsFor(cmd.hash()), state.disabled())))
                .onCommand(GetPart.class, (state, cmd) -> {
                    io.rookery.node.ext.PartKey<?> key = router.modules().parts().key(cmd.part());
                    Object part = key == null ? null : state.part(key);
                    KryoSerializable snapshot = part == null ? null
                            : router.modules().parts().part(router.modules().parts().indexOf(key)).snapshot(part);
                    return Effect().reply(cmd.replyTo(), new PartRead(snapshot, state.exists(), state.disabled()));
                })
                .onCommand(PersistPartEvents.class, (state, cmd) -> {
                    for (UserEvent e : cmd.events()) {
                        if (router.modules().parts().indexForEvent(e.getClass()) < 0 || !state.exists()) {
                            return Effect().reply(cmd.replyTo(), new PartEventsPersisted(false));
                        }
                    }
                    return persist(cmd.events()).thenReply(cmd.replyTo(), s -> new PartEventsPersisted(true));
                })
                .onCommand(SetDisabled.class, this::onSetDisabled)
                .onCommand(BindResource.class, this::onBind)
                .onCommand(UnbindResource.class, (state, cmd) -> {
                    context.unwatch(cmd.session());
                    // After everything this entity sent the session: the session may stop once it has this.
                    cmd.session().tell(SessionProtocol.Unbound.INSTANCE);
                    return unbind(state, cmd.resource(), cmd.session());
                })
                .onCommand(SessionStopped.class, (state, cmd) -> unbind(state, cmd.resource(), cmd.session()))
                .onCommand(SessionLost.class, this::onSessionLost)
                .onCommand(Reattach.class, this::onReattach)
                .onCommand(SwapSession.class, this::onSwap)
                .onCommand(ResumeSession.class, (state, cmd) -> {
                    ActorRef<SessionProtocol.Message> session = online.sessionOf(cmd.resource());
                    if (session != null && onRemovedNode(session)) {
                        // Its node is down or gone and the death watch has not told yet: the session is lost, and
                        // the new stream resumes from what the stream kept.
                        context.unwatch(session);
                        ReplyEffect<UserEvent, UserState> unbound = unbind(state, cmd.resource(), session);
                        lostStreams.resuming(cmd.resource());
                        cmd.takeOver().replyTo().tell(SessionProtocol.ResumeAnswer.RECOVER);
                        return unbound;
                    }
                    if (session != null) {
                        session.tell(cmd.takeOver());
                    } else if (passivating) {
                        router.user(jid).tell(cmd);
                    } else if (lostStreams.flushing(cmd.resource())) {
                        cmd.takeOver().replyTo().tell(SessionProtocol.ResumeAnswer.NOT_FOUND);
                    } else {
                        // No session holds the resource: the new stream resumes from what the stream kept, if it
                        // kept anything (its node died); it no longer waits to be flushed.
                        lostStreams.resuming(cmd.resource());
                        cmd.takeOver().replyTo().tell(SessionProtocol.ResumeAnswer.RECOVER);
                    }
                    return Effect().noReply();
                })
                .onCommand(StreamKept.class, (state, cmd) -> {
                    online.setFlags(cmd.resource(), ResourceFlags.KEPT, 0);
                    return Effect().noReply();
                })
                .onCommand(ResourceDetached.class, (state, cmd) -> {
                    if (cmd.session().equals(online.sessionOf(cmd.resource()))) {
                        online.setFlags(cmd.resource(), ResourceFlags.DETACHED, 0);
                    }
                    return Effect().noReply();
                })
                .onCommand(LostStreamDue.class, (state, cmd) -> {
                    lostStreams.due(cmd);
                    return Effect().noReply();
                })
                .onCommand(LostStreamRead.class, (state, cmd) -> {
                    lostStreams.read(cmd, online.sessionOf(cmd.resource()));
                    armPassivation();
                    return Effect().noReply();
                })
                .onCommand(LostStreamFlushed.class, (state, cmd) -> {
                    lostStreams.flushed(cmd);
                    armPassivation();
                    return Effect().noReply();
                })
                .onCommand(OwnPresence.class, this::onOwnPresence)
                .onCommand(OwnIq.class, this::onOwnIq)
                .onCommand(OwnIqAnswered.class, this::onOwnIqAnswered)
                .onCommand(OtherIqAnswered.class, this::onOtherIqAnswered)
                .onCommand(OutboundSubscription.class, (state, cmd) -> {
                    StanzaFilter.Verdict refused = router.modules().outbound(view(state), cmd.presence(), cmd.to());
                    if (refused != null) {
                        if (refused.reply() != null) online.sendTo(resourceOf(cmd.presence()), refused.reply());
                        return Effect().noReply();
                    }
                    return run(contacts.outbound(state, cmd.presence(), cmd.to()));
                })
                .onCommand(Deliver.class, this::onDeliver)
                .onCommand(SentMessage.class, (state, cmd) -> {
                    // The user's own copy first gets what the modules stamp on it (XEP-0313: the archive's id,
                    // which sent carbons carry), then the hook.
                    Element sent = router.modules().stampsSent()
                            ? router.modules().stampSent(view(state), cmd.message()) : cmd.message();
                    if (router.modules().hooked(Hook.STANZA_SENT)) {
                        apply(router.modules().run(Hook.STANZA_SENT,
                                new Hook.StanzaSent(view(state), cmd.resource(), sent)));
                    }
                    return Effect().noReply();
                })
                .onCommand(Stop.class, (state, cmd) -> Effect().stop().thenNoReply())
                .onCommand(Passivate.class, (state, cmd) -> {
                    if (online.isEmpty() && lostStreams.isEmpty() && !passivating) {
                        passivating = true;
                        shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
                    }
                    return Effect().noReply();
                })
                .build();
    }

    private static final io.rookery.node.limits.RateLimitedLog WAITING_LOG = new io.rookery.node.limits.RateLimitedLog();

    /** Stashes a command while a module waits for its store; a stanza past the byte budget is bounced instead. */
    private ReplyEffect<UserEvent, UserState> waitFor(Command cmd) {
        if (cmd instanceof Deliver d) {
            long size = StanzaSize.estimate(d.stanza());
            if (stashedBytes + size > limits.maxWaitingBytes()) {
                OverloadReply.bounce(d.stanza(), router, metrics);
                confirm(d, null);
                long events = WAITING_LOG.event(System.nanoTime());
                if (events > 0) {
                    context.getLog().warn("entity-waiting-full jid={} waiting-bytes={} events={}", jid, stashedBytes,
                            events);
                }
                return Effect().noReply();
            }
            stashedBytes += size;
        }
        return Effect().stash();
    }

    @Override
    void unstashing() {
        stashedBytes = 0;
    }

    // ---- presence (RFC 6121 §4) -----------------------------------------------------------------------------

    private ReplyEffect<UserEvent, UserState> onOwnPresence(UserState state, OwnPresence cmd) {
        OnlineResources.PresenceChange change = online.ownPresence(cmd.resource(), cmd.presence());
        switch (change) {
            case INITIAL -> {
                broadcastToSubscribers(state, cmd.presence());
                // §4.2.2: probe the contacts whose presence the user may see.
                Element probe = Element.builder("presence", Namespaces.CLIENT).attr("from", jid.toString())
                        .attr("type", "probe").build();
                AccountView view = view(state);
                for (Jid contact : contacts.subscriptions(state)) {
                    Element to = probe.withAttr("to", contact.toString());
                    if (router.modules().outbound(view, to, contact) == null) router.route(to, contact);
                }
                // §3.1.3: subscription requests that waited for the user.
                for (String xml : state.pendingInRequests().values()) {
                    online.sendTo(cmd.resource(), StoredXml.parse(xml).withAttr("to", jid + "/" + cmd.resource()));
                }
                hook(Hook.INITIAL_PRESENCE, state, cmd.resource());
                ownPresenceSeen(state, cmd);
                return run(offlineDelivery(state, cmd.resource()));
            }
            case UPDATED, UNAVAILABLE -> {
                broadcastToSubscribers(state, cmd.presence());
                ownPresenceSeen(state, cmd);
            }
            default -> { }
        }
        return Effect().noReply();
    }

    private void ownPresenceSeen(UserState state, OwnPresence cmd) {
        if (router.modules().hooked(Hook.OWN_PRESENCE)) {
            apply(router.modules().run(Hook.OWN_PRESENCE,
                    new Hook.PresenceSeen(view(state), cmd.resource(), cmd.presence())));
        }
    }

    /** RFC 6121 §4.2.2, §4.4.2: to each contact allowed to see it, unless a module's filter keeps it back. */
    private void broadcastToSubscribers(UserState state, Element presence) {
        AccountView view = view(state);
        for (Jid contact : contacts.subscribers(state)) {
            Element to = presence.withAttr("to", contact.toString());
            if (router.modules().outbound(view, to, contact) == null) router.route(to, contact);
        }
    }


    // ---- roster (RFC 6121 §2) ----------------------------------------------------------------------------------

    private ReplyEffect<UserEvent, UserState> onOwnIq(UserState state, OwnIq cmd) {
        Element iq = cmd.iq();
        if (iq.child("query", Namespaces.ROSTER) != null) {
            if ("get".equals(iq.attr("type"))) return run(contacts.rosterGet(state, cmd.resource(), iq));
            if ("set".equals(iq.attr("type"))) return run(contacts.rosterSet(state, cmd.resource(), iq));
        }
        IqOutcome handled = router.modules().handle(AddressKind.OWN_ACCOUNT, iq, view(state));
        if (handled != null && handled.later() != null) {
            // A store read (an archive query): other commands go on meanwhile.
            context.pipeToSelf(handled.later(), (ok, failure) -> new OwnIqAnswered(cmd.resource(), iq, ok, failure));
            return Effect().noReply();
        }
        if (handled != null) {
            online.setFlags(cmd.resource(), handled.flagsSet(), handled.flagsCleared());
            if ((handled.flagsSet() | handled.flagsCleared()) != 0) refreshSentCopies();
            return run(handled, reply -> online.sendTo(cmd.resource(), reply));
        }
        online.sendTo(cmd.resource(), Stanzas.errorReply(iq, StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE)));
        return Effect().noReply();
    }

    private ReplyEffect<UserEvent, UserState> onOwnIqAnswered(UserState state, OwnIqAnswered cmd) {
        if (cmd.failure() != null || cmd.outcome() == null || cmd.outcome().later() != null) {
            if (cmd.failure() != null) logModuleFailure(cmd.failure());
            online.sendTo(cmd.resource(), Stanzas.errorReply(cmd.iq(),
                    StanzaError.of(StanzaErrorCondition.INTERNAL_SERVER_ERROR)));
            return Effect().noReply();
        }
        return run(cmd.outcome(), reply -> online.sendTo(cmd.resource(), reply));
    }

    private ReplyEffect<UserEvent, UserState> onOtherIqAnswered(UserState state, OtherIqAnswered cmd) {
        if (cmd.failure() != null || cmd.outcome() == null || cmd.outcome().later() != null
                || !cmd.outcome().persist().isEmpty()) {
            if (cmd.failure() != null) logModuleFailure(cmd.failure());
            router.route(Stanzas.errorReply(cmd.iq(), StanzaError.of(StanzaErrorCondition.INTERNAL_SERVER_ERROR)));
            return Effect().noReply();
        }
        return run(cmd.outcome(), router::route);
    }

    // ---- delivery (RFC 6121 §8.5, XEP-0160 offline storage) ------------------------------------------------------

    private ReplyEffect<UserEvent, UserState> onDeliver(UserState state, Deliver cmd) {
        armPassivation();
        Element stanza = cmd.stanza();
        boolean exists = state.exists();
        // What the sender's acknowledgement waits for (XEP-0198, confirmTo set): null when nothing is stored.
        CompletionStage<?> stored = null;
        // XEP-0198: the session the message went to confirms it to its sender once kept with its stream.
        boolean delegated = false;
        long now = cmd.attempt() > 0 ? System.nanoTime() : 0;
        // Only copies routed again are remembered and compared: an account that gets none keeps nothing.
        boolean again = cmd.confirmTo() != null && !cmd.taken() && cmd.attempt() > 0;
        if (again) {
            RecentDeliveries.Handled before = recentDeliveries.seen(cmd.confirmTo(), cmd.token(), now);
            if (before != null) {
                // Routed again, its confirmation late: handled already. The session it went to confirms it, unless
                // that session is gone (then it goes again, as new); else it is confirmed again here.
                ActorRef<SessionProtocol.Message> by = before.confirmedBy();
                if (by == null) {
                    confirm(cmd, null);
                    return Effect().noReply();
                }
                if (online.holds(by) && !onRemovedNode(by)) return Effect().noReply();
            }
        }
        if (exists && filtered(state, stanza)) {
            confirm(cmd, null);
            return Effect().noReply();
        }
        String resource = cmd.to().resource();
        switch (DeliveryRules.decide(stanza.name(), stanza.attr("type"), exists, resource != null,
                resource != null && online.bound(resource))) {
            case DROP -> { }
            case BOUNCE -> online.bounce(stanza);
            case TO_RESOURCE -> {
                boolean message = "message".equals(stanza.name());
                if (message && !cmd.taken()) {
                    MessageStamp.Stamped s = stamped(state, stanza, cmd.confirmTo() != null);
                    stanza = s.message();
                    stored = s.stored();
                }
                delegated = online.deliverTo(resource, stanza, cmd.routedAtMicros(),
                        message ? cmd.confirmTo() : null, cmd.token());
                if (delegated && again) {
                    recentDeliveries.handled(cmd.confirmTo(), cmd.token(), online.delegatedTo, now);
                }
                if (message) received(state, stanza, List.of(resource));
            }
            case MESSAGE_TO_BARE -> {
                if (!cmd.taken()) {
                    MessageStamp.Stamped s = stamped(state, stanza, cmd.confirmTo() != null);
                    stanza = s.message();
                    stored = s.stored();
                }
                List<String> delivered = online.deliverMessage(stanza, cmd.routedAtMicros(), cmd.confirmTo(),
                        cmd.token());
                delegated = online.confirmationDelegated;
                if (delegated && again) {
                    recentDeliveries.handled(cmd.confirmTo(), cmd.token(), online.delegatedTo, now);
                }
                if (!delivered.isEmpty()) {
                    received(state, stanza, delivered);
                } else if (DeliveryRules.storable(stanza.attr("type"))) {
                    // §8.5.2.2.1: stored by a module (XEP-0160), or refused when none stores messages.
                    if (!router.modules().hooked(Hook.MESSAGE_UNDELIVERABLE)) {
                        online.bounce(stanza);
                    } else {
                        ReplyEffect<UserEvent, UserState> effect = run(router.modules().run(
                                Hook.MESSAGE_UNDELIVERABLE, new Hook.MessageUndeliverable(view(state), stanza)));
                        // Stored offline once the module's store work is done (and not when it failed: the sender
                        // then sends it again); refused at once (the error went back).
                        if (cmd.confirmTo() != null) {
                            CompletionStage<?> archived = stored;
                            Runnable kept = () -> {
                                if (again) recentDeliveries.handled(cmd.confirmTo(), cmd.token(), null, now);
                                confirm(cmd, archived);
                            };
                            if (awaitingModules) afterModuleWork(kept);
                            else kept.run();
                        }
                        return effect;
                    }
                }
            }
            case PRESENCE_TO_AVAILABLE -> {
                online.presenceToAvailable(stanza, cmd.routedAtMicros());
                String type = stanza.attr("type");
                if ((type == null || "unavailable".equals(type)) && router.modules().hooked(Hook.PRESENCE_IN)) {
                    apply(router.modules().run(Hook.PRESENCE_IN, new Hook.PresenceSeen(view(state), null, stanza)));
                }
            }
            case IQ_RESPONSE -> {
                if (router.modules().hooked(Hook.IQ_RESPONSE)) {
                    HookOutcome answered = router.modules().run(Hook.IQ_RESPONSE, new Hook.IqResponse(view(state), stanza));
                    // An answer may change the account (XEP-0357: a push registration its app server refused).
                    if (!answered.persist().isEmpty() || answered.then() != null) return run(answered);
                    apply(answered);
                }
            }
            case PROBE -> contacts.answerProbe(state, stanza);
            case SUBSCRIPTION -> {
                return run(contacts.inbound(state, stanza));
            }
            case ANSWER_ON_BEHALF -> {
                // Answered by the module that handles it, else service-unavailable (RFC 6120 §8.4).
                IqOutcome handled = router.modules().handle(AddressKind.OTHER_ACCOUNT, stanza, view(state));
                if (handled != null && handled.later() != null) {
                    // A store read (a contact fetching XEP-0163 items): other commands go on meanwhile.
                    Element asked = stanza;
                    context.pipeToSelf(handled.later(), (ok, failure) -> new OtherIqAnswered(asked, ok, failure));
                } else if (handled != null) {
                    return run(handled, router::route);
                } else {
                    online.bounce(stanza);
                }
            }
        }
        if (!delegated && cmd.confirmTo() != null) {
            if (again) recentDeliveries.handled(cmd.confirmTo(), cmd.token(), null, now);
            confirm(cmd, stored);
        }
        return Effect().noReply();
    }

    /**
     * A message as the modules' stamps rewrite it before it is delivered or stored (XEP-0359 archive ids), and, when
     * its sender waits for it (tracked), the completion of what they stored of it.
     */
    private MessageStamp.Stamped stamped(UserState state, Element message, boolean tracked) {
        if (!router.modules().stamps()) return new MessageStamp.Stamped(message, null);
        return tracked ? router.modules().stampStored(view(state), message)
                : new MessageStamp.Stamped(router.modules().stamp(view(state), message), null);
    }

    /**
     * Tells the sender's session that the message is kept (XEP-0198: its acknowledgement may count it), once what
     * was stored of it is written. A failed archive write is counted and logged by the archive; the message was
     * delivered or stored offline all the same, so it is confirmed too.
     */
    private static void confirm(Deliver cmd, CompletionStage<?> stored) {
        if (cmd.confirmTo() == null) return;
        SessionProtocol.Handled done = new SessionProtocol.Handled(cmd.token());
        if (stored == null) cmd.confirmTo().tell(done);
        else stored.whenComplete((v, failure) -> cmd.confirmTo().tell(done));
    }

    /** The resource of the session that sent a stanza, from the full JID it stamped; null when there is none. */
    private static String resourceOf(Element stanza) {
        try {
            return stanza.attr("from") == null ? null : Jid.parse(stanza.attr("from")).resource();
        } catch (io.rookery.protocol.jid.InvalidJidException e) {
            return null;
        }
    }

    /**
     * At initial presence with non-negative priority (or an available resource registering again), what was stored
     * for the user may go to that resource: the modules' stanzas are sent, then their events persisted.
     */
    private HookOutcome offlineDelivery(UserState state, String resource) {
        if (online.priority(resource) < 0 || !router.modules().hooked(Hook.OFFLINE_DELIVERY)) return HookOutcome.NONE;
        return router.modules().run(Hook.OFFLINE_DELIVERY, new Hook.ResourceChanged(view(state), resource));
    }

    // ---- accounts ----------------------------------------------------------------------------------------------

    private ReplyEffect<UserEvent, UserState> onCreate(UserState state, CreateAccount cmd) {
        armPassivation();
        if (state.exists()) return Effect().reply(cmd.replyTo(), new AccountResult(AccountStatus.ALREADY_EXISTS));
        return persist(new AccountCreated(List.copyOf(cmd.credentials()), System.currentTimeMillis()))
                .thenRun(s -> indexed(true))
                .thenReply(cmd.replyTo(), s -> new AccountResult(AccountStatus.CREATED));
    }

    private ReplyEffect<UserEvent, UserState> onChangePassword(UserState state, ChangePassword cmd) {
        armPassivation();
        if (!state.exists()) return Effect().reply(cmd.replyTo(), new AccountResult(AccountStatus.NOT_FOUND));
        return persist(new PasswordChanged(List.copyOf(cmd.credentials()), System.currentTimeMillis()))
                .thenReply(cmd.replyTo(), s -> new AccountResult(AccountStatus.UPDATED));
    }

    private ReplyEffect<UserEvent, UserState> onDelete(UserState state, DeleteAccount cmd) {
        armPassivation();
        if (!state.exists()) return Effect().reply(cmd.replyTo(), new AccountResult(AccountStatus.NOT_FOUND));
        // Asked before the state is gone: what the modules keep elsewhere for the account.
        HookOutcome forget = router.modules().hooked(Hook.ACCOUNT_DELETED)
                ? router.modules().run(Hook.ACCOUNT_DELETED, new Hook.AccountChanged(view(state))) : HookOutcome.NONE;
        var deleted = persist(new AccountDeleted(System.currentTimeMillis()))
                .thenRun(s -> online.closeAll(SessionProtocol.Kick.ACCOUNT_DELETED))
                .thenRun(s -> indexed(false));
        if (forget.then() != null) deleted = awaiting(deleted, forget.then());
        return deleted.thenReply(cmd.replyTo(), s -> new AccountResult(AccountStatus.DELETED));
    }

    /**
     * XEP-0133 §4.3: disabling ends the account's sessions and refuses its logins, and keeps everything it owns;
     * §4.4 enabling lets it log in again. Answered UPDATED when the account was changed, ALREADY_EXISTS when it was
     * in that state already.
     */
    private ReplyEffect<UserEvent, UserState> onSetDisabled(UserState state, SetDisabled cmd) {
        armPassivation();
        if (!state.exists()) return Effect().reply(cmd.replyTo(), new AccountResult(AccountStatus.NOT_FOUND));
        if (state.disabled() == cmd.disabled()) {
            return Effect().reply(cmd.replyTo(), new AccountResult(AccountStatus.ALREADY_EXISTS));
        }
        if (!cmd.disabled()) {
            return persist(new AccountEnabled(System.currentTimeMillis()))
                    .thenReply(cmd.replyTo(), s -> new AccountResult(AccountStatus.UPDATED));
        }
        // The stream ends as for a deleted account (not-authorized): a Kick of its own would change a message that
        // crosses nodes.
        return persist(new AccountDisabled(System.currentTimeMillis()))
                .thenRun(s -> online.closeAll(SessionProtocol.Kick.ACCOUNT_DELETED))
                .thenReply(cmd.replyTo(), s -> new AccountResult(AccountStatus.UPDATED));
    }

    private ReplyEffect<UserEvent, UserState> unbind(UserState state, String resource,
            ActorRef<SessionProtocol.Message> session) {
        boolean bound = session.equals(online.sessionOf(resource));
        if (online.unbind(resource, session)) broadcastToSubscribers(state, online.unavailableOf(resource));
        if (bound) {
            refreshSentCopies();
            hook(Hook.RESOURCE_UNBOUND, state, resource);
        }
        armPassivation();
        return Effect().noReply();
    }

    private ReplyEffect<UserEvent, UserState> onSessionLost(UserState state, SessionLost cmd) {
        if (cmd.nodeAddress() == null) {
            if (cmd.smId() != null) lostStreams.lost(cmd.resource(), cmd.smId());
            return Effect().noReply();
        }
        ActorRef<SessionProtocol.Message> session = online.sessionOf(cmd.resource());
        if (session != null) {
            if (!session.path().address().toString().equals(cmd.nodeAddress())) {
                // Bound again by a live session: resumed (the flush finds it writes the stream, and leaves it) or
                // fresh (what the lost stream kept goes to it now).
                if (cmd.smId() != null) lostStreams.flush(cmd.resource(), cmd.smId());
                return Effect().noReply();
            }
            context.unwatch(session);
            if (cmd.smId() != null) lostStreams.lost(cmd.resource(), cmd.smId());
            return unbind(state, cmd.resource(), session);
        }
        if (cmd.smId() != null) lostStreams.lost(cmd.resource(), cmd.smId());
        if (state.exists()) {
            context.getLog().info("session-lost jid={} resource={} node={}", jid, cmd.resource(), cmd.nodeAddress());
            broadcastToSubscribers(state, online.unavailableOf(cmd.resource()));
            online.resourceGone(cmd.resource());
        }
        armPassivation();
        return Effect().noReply();
    }

    private ReplyEffect<UserEvent, UserState> onReattach(UserState state, Reattach cmd) {
        if (passivating) {
            router.user(jid).tell(cmd);
            return Effect().noReply();
        }
        if (!state.exists()) return Effect().reply(cmd.replyTo(), new NoAccount());
        switch (online.reattach(cmd.resource(), cmd.session(), cmd.presence(), cmd.flags())) {
            case TAKEN -> {
                return Effect().reply(cmd.replyTo(), new Superseded());
            }
            case ALREADY_BOUND -> {
                return Effect().reply(cmd.replyTo(), new Bound(cmd.resource(), context.getSelf()));
            }
            default -> { }
        }
        watch(cmd.resource(), cmd.session());
        sendMirrors(state, cmd.session());
        refreshSentCopies();
        timers.cancel(Passivate.INSTANCE);
        context.getLog().info("session-reattached jid={} resource={}", jid, cmd.resource());
        Bound bound = new Bound(cmd.resource(), context.getSelf());
        // Messages that arrived while no session was registered went to offline storage; an available resource
        // gets them now, as at initial presence.
        HookOutcome stored = online.available(cmd.resource()) ? offlineDelivery(state, cmd.resource()) : HookOutcome.NONE;
        return effect(stored).thenReply(cmd.replyTo(), s -> bound);
    }

    private ReplyEffect<UserEvent, UserState> onSwap(UserState state, SwapSession cmd) {
        if (passivating) {
            router.user(jid).tell(cmd);
            return Effect().noReply();
        }
        if (!state.exists()) return Effect().reply(cmd.replyTo(), new NoAccount());
        if (!online.swap(cmd.resource(), cmd.predecessor(), cmd.successor())) {
            return Effect().reply(cmd.replyTo(), new Superseded());
        }
        context.unwatch(cmd.predecessor());
        cmd.predecessor().tell(SessionProtocol.Unbound.INSTANCE);
        watch(cmd.resource(), cmd.successor());
        sendMirrors(state, cmd.successor());
        refreshSentCopies();
        return Effect().reply(cmd.replyTo(), new Bound(cmd.resource(), context.getSelf()));
    }

    private void refreshSentCopies() {
        online.refreshSentCopies(router.modules().sentCopiesMask());
    }

    /** A session on a node the cluster has downed or removed (it cannot come back: its node restarts afresh). */
    private boolean onRemovedNode(ActorRef<SessionProtocol.Message> session) {
        org.apache.pekko.actor.Address address = session.path().address();
        if (!address.hasGlobalScope()) return false;
        for (org.apache.pekko.cluster.Member m : org.apache.pekko.cluster.typed.Cluster.get(context.getSystem())
                .state().getMembers()) {
            if (m.address().equals(address)) return m.status() == org.apache.pekko.cluster.MemberStatus.down();
        }
        return true;
    }

    /** Death watch on a bound session, so a session lost with its node (no unbind) is unbound all the same. */
    private void watch(String resource, ActorRef<SessionProtocol.Message> session) {
        context.watchWith(session, new SessionStopped(resource, session));
    }

    private ReplyEffect<UserEvent, UserState> onBind(UserState state, BindResource cmd) {
        if (passivating) {
            // This incarnation is stopping: a binding made here would be lost. The shard holds messages sent through
            // it until the entity has stopped, then starts a new incarnation that answers.
            router.user(jid).tell(cmd);
            return Effect().noReply();
        }
        // A login that passed just before the account was disabled binds no resource.
        if (!state.exists() || state.disabled()) return Effect().reply(cmd.replyTo(), new NoAccount());
        ActorRef<SessionProtocol.Message> replaced = online.bind(cmd.resource(), cmd.session());
        if (replaced != null) context.unwatch(replaced);
        if (cmd.flags() != 0) online.setFlags(cmd.resource(), cmd.flags(), 0);
        watch(cmd.resource(), cmd.session());
        lostStreams.boundAfresh(cmd.resource());
        sendMirrors(state, cmd.session());
        refreshSentCopies();
        timers.cancel(Passivate.INSTANCE);
        hook(Hook.RESOURCE_BOUND, state, cmd.resource());
        return Effect().reply(cmd.replyTo(), new Bound(cmd.resource(), context.getSelf()));
    }

    private void indexed(boolean exists) {
        if (directory == null) return;
        (exists ? directory.added(jid) : directory.removed(jid)).whenComplete((v, failure) -> {
            if (failure != null) {
                metrics.cassandraError("account-index");
                context.getLog().warn("account-index-write-failed jid={} error={}", jid, failure.toString());
            }
        });
    }

    @Override
    void startModuleWork(java.util.function.Supplier<java.util.concurrent.CompletionStage<HookOutcome>> work) {
        java.util.concurrent.CompletionStage<HookOutcome> stage;
        try {
            stage = work.get();
        } catch (RuntimeException e) {
            stage = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        context.pipeToSelf(stage, ModuleWorkDone::new);
    }

    @Override
    void logModuleFailure(Throwable failure) {
        context.getLog().warn("module-store-work-failed jid={} error={}", jid, failure.toString());
    }

    @Override
    void sendToResource(String resource, Element stanza) {
        online.sendTo(resource, stanza);
    }

    @Override
    void tellSessions(SessionProtocol.Message message) {
        online.tellAll(message);
    }

    @Override
    List<BoundResource> boundResources() {
        return online.resources();
    }

    @Override
    long lastActivitySeconds() {
        return online.lastActivitySeconds();
    }

    /**
     * Entities with a bound session never passivate; the others stop after a quiet period. Only offline entities
     * carry this one timer, so idle online users cost no scheduler work.
     */
    private void armPassivation() {
        if (online.isEmpty()) timers.startSingleTimer(Passivate.INSTANCE, limits.passivateAfter());
    }
}
