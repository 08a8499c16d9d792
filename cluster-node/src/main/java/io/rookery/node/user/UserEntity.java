package io.rookery.node.user;

import io.rookery.node.c2s.SessionActor;
import io.rookery.node.routing.Router;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.user.AccountCreated;
import io.rookery.persistence.user.AccountDeleted;
import io.rookery.persistence.user.PasswordChanged;
import io.rookery.persistence.user.UserEvent;
import io.rookery.persistence.user.UserSnapshot;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.sasl.ScramHash;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.List;
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
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.SnapshotAdapter;

/**
 * One account, keyed by bare JID: credentials (SCRAM keys only) are persisted; the online resources are kept in
 * memory by {@link OnlineResources} and rebuilt by sessions registering again.
 */
public final class UserEntity
        extends EventSourcedBehaviorWithEnforcedReplies<UserEntity.Command, UserEvent, UserEntity.State> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "User");

    // ---- protocol -------------------------------------------------------------------------------------------

    public sealed interface Command extends KryoSerializable {}

    public record CreateAccount(List<ScramCredentials> credentials, ActorRef<AccountResult> replyTo)
            implements Command {}

    public record ChangePassword(List<ScramCredentials> credentials, ActorRef<AccountResult> replyTo)
            implements Command {}

    public record DeleteAccount(ActorRef<AccountResult> replyTo) implements Command {}

    public record GetCredentials(ScramHash hash, ActorRef<CredentialsResult> replyTo) implements Command {}

    /** Binds a resource for a session (RFC 6120 §7); an existing session with that resource is replaced. */
    public record BindResource(String resource, ActorRef<SessionActor.Command> session, ActorRef<BindResult> replyTo)
            implements Command {}

    public record UnbindResource(String resource, ActorRef<SessionActor.Command> session) implements Command {}

    /** Presence without a 'to' from one of the user's own sessions (RFC 6121 §4.2, §4.5). */
    public record OwnPresence(String resource, Element presence) implements Command {}

    /** A stanza addressed to this user's bare or full JID, 'from' already stamped. */
    public record Deliver(Element stanza, Jid to) implements Command {}

    enum Passivate implements Command { INSTANCE }

    public enum AccountStatus { CREATED, ALREADY_EXISTS, UPDATED, DELETED, NOT_FOUND }

    public record AccountResult(AccountStatus status) implements KryoSerializable {}

    public record CredentialsResult(Optional<ScramCredentials> credentials) implements KryoSerializable {}

    public sealed interface BindResult extends KryoSerializable {}

    public record Bound(String resource) implements BindResult {}

    public record NoAccount() implements BindResult {}

    // ---- state ----------------------------------------------------------------------------------------------

    /** Persistent state: the account's SCRAM keys, or none when there is no account. */
    public record State(List<ScramCredentials> credentials) {
        static final State EMPTY = new State(null);

        boolean exists() {
            return credentials != null;
        }

        Optional<ScramCredentials> credentialsFor(ScramHash hash) {
            if (credentials == null) return Optional.empty();
            return credentials.stream().filter(c -> c.hash() == hash).findFirst();
        }
    }

    // ---- wiring ---------------------------------------------------------------------------------------------

    /** Starts sharding of user entities on this node; directory may be null (tests without Cassandra). */
    public static void init(ActorSystem<?> system, Router router, AccountDirectory directory,
            Duration passivateAfter) {
        ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx, router, directory, passivateAfter)));
    }

    static Behavior<Command> create(EntityContext<Command> entityContext, Router router, AccountDirectory directory,
            Duration passivateAfter) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            Jid jid = Jid.parse(entityContext.getEntityId());
            return new UserEntity(jid, ctx, timers, entityContext.getShard(), router, directory, passivateAfter);
        }));
    }

    private final Jid jid;
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final Duration passivateAfter;
    private final AccountDirectory directory;
    private final OnlineResources online;

    private UserEntity(Jid jid, ActorContext<Command> context, TimerScheduler<Command> timers,
            ActorRef<ClusterSharding.ShardCommand> shard, Router router, AccountDirectory directory,
            Duration passivateAfter) {
        super(PersistenceId.of(TYPE_KEY.name(), jid.toString()));
        this.jid = jid;
        this.context = context;
        this.timers = timers;
        this.shard = shard;
        this.passivateAfter = passivateAfter;
        this.directory = directory;
        this.online = new OnlineResources(jid, router);
        armPassivation();
    }

    /** Persistence id of the account whose bare JID is given; also the admin CLI's key. */
    public static String entityId(Jid bare) {
        return bare.toString();
    }

    @Override
    public State emptyState() {
        return State.EMPTY;
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(100, 2);
    }

    @Override
    public SnapshotAdapter<State> snapshotAdapter() {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(State state) {
                return new UserSnapshot(state.credentials() == null ? List.of() : state.credentials(), state.exists());
            }

            @Override
            public State fromJournal(Object from) {
                UserSnapshot s = (UserSnapshot) from;
                return s.exists() ? new State(List.copyOf(s.credentials())) : State.EMPTY;
            }
        };
    }

    @Override
    public CommandHandlerWithReply<Command, UserEvent, State> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(CreateAccount.class, this::onCreate)
                .onCommand(ChangePassword.class, this::onChangePassword)
                .onCommand(DeleteAccount.class, this::onDelete)
                .onCommand(GetCredentials.class, (state, cmd) ->
                        Effect().reply(cmd.replyTo(), new CredentialsResult(state.credentialsFor(cmd.hash()))))
                .onCommand(BindResource.class, this::onBind)
                .onCommand(UnbindResource.class, (state, cmd) -> {
                    online.unbind(cmd.resource(), cmd.session());
                    armPassivation();
                    return Effect().noReply();
                })
                .onCommand(OwnPresence.class, (state, cmd) -> {
                    online.ownPresence(cmd.resource(), cmd.presence());
                    return Effect().noReply();
                })
                .onCommand(Deliver.class, (state, cmd) -> {
                    online.deliver(cmd.stanza(), cmd.to(), state.exists());
                    armPassivation();
                    return Effect().noReply();
                })
                .onCommand(Passivate.class, (state, cmd) -> {
                    if (online.isEmpty()) shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
                    return Effect().noReply();
                })
                .build();
    }

    private ReplyEffect<UserEvent, State> onCreate(State state, CreateAccount cmd) {
        armPassivation();
        if (state.exists()) return Effect().reply(cmd.replyTo(), new AccountResult(AccountStatus.ALREADY_EXISTS));
        return Effect().persist(new AccountCreated(List.copyOf(cmd.credentials()), System.currentTimeMillis()))
                .thenRun(s -> indexed(true))
                .thenReply(cmd.replyTo(), s -> new AccountResult(AccountStatus.CREATED));
    }

    private ReplyEffect<UserEvent, State> onChangePassword(State state, ChangePassword cmd) {
        armPassivation();
        if (!state.exists()) return Effect().reply(cmd.replyTo(), new AccountResult(AccountStatus.NOT_FOUND));
        return Effect().persist(new PasswordChanged(List.copyOf(cmd.credentials()), System.currentTimeMillis()))
                .thenReply(cmd.replyTo(), s -> new AccountResult(AccountStatus.UPDATED));
    }

    private ReplyEffect<UserEvent, State> onDelete(State state, DeleteAccount cmd) {
        armPassivation();
        if (!state.exists()) return Effect().reply(cmd.replyTo(), new AccountResult(AccountStatus.NOT_FOUND));
        return Effect().persist(new AccountDeleted(System.currentTimeMillis()))
                .thenRun(s -> online.closeAll(SessionActor.Kick.ACCOUNT_DELETED))
                .thenRun(s -> indexed(false))
                .thenReply(cmd.replyTo(), s -> new AccountResult(AccountStatus.DELETED));
    }

    private ReplyEffect<UserEvent, State> onBind(State state, BindResource cmd) {
        if (!state.exists()) return Effect().reply(cmd.replyTo(), new NoAccount());
        online.bind(cmd.resource(), cmd.session());
        timers.cancel(Passivate.INSTANCE);
        return Effect().reply(cmd.replyTo(), new Bound(cmd.resource()));
    }

    @Override
    public EventHandler<State, UserEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(AccountCreated.class, (s, e) -> new State(e.credentials()))
                .onEvent(PasswordChanged.class, (s, e) -> new State(e.credentials()))
                .onEvent(AccountDeleted.class, (s, e) -> State.EMPTY)
                .build();
    }

    private void indexed(boolean exists) {
        if (directory == null) return;
        (exists ? directory.added(jid) : directory.removed(jid)).whenComplete((v, failure) -> {
            if (failure != null) context.getLog().warn("account-index-write-failed jid={} error={}", jid, failure.toString());
        });
    }

    /**
     * Entities with a bound session never passivate; the others stop after a quiet period. Only offline entities
     * carry this one timer, so idle online users cost no scheduler work.
     */
    private void armPassivation() {
        if (online.isEmpty()) timers.startSingleTimer(Passivate.INSTANCE, passivateAfter);
    }
}
