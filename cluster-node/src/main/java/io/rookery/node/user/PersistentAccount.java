package io.rookery.node.user;

import io.rookery.node.ext.AccountParts;
import io.rookery.node.ext.AccountView;
import io.rookery.node.ext.BoundResource;
import io.rookery.node.ext.Hook;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.PartKey;
import io.rookery.node.ext.StanzaFilter;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.persistence.roster.RosterItem;
import io.rookery.persistence.user.UserEvent;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xml.Element;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The persistence side of an account entity, apart from what it does with commands ({@link UserEntity}): the
 * state with the modules' parts, snapshots every 100 events, writes timed for the metrics, how an outcome (the
 * entity's own or a module's) is persisted before what it sends, and the modules' hooks and filters run for it.
 */
abstract class PersistentAccount<C> extends EventSourcedBehaviorWithEnforcedReplies<C, UserEvent, UserState> {
    final Jid jid;
    final StanzaRouter router;
    final NodeMetrics metrics;
    private final long startedNanos = System.nanoTime();
    /** When the write in progress started; 0 when none is. */
    private long persistStartedNanos;
    /** A module's store work is in progress: other commands are stashed until it completes. */
    boolean awaitingModules;
    /** What runs once the store work the account waits for is done (a sender's XEP-0198 confirmation). */
    private Runnable afterModuleWork;

    PersistentAccount(PersistenceId id, Jid jid, StanzaRouter router, NodeMetrics metrics) {
        super(id);
        this.jid = jid;
        this.router = router;
        this.metrics = metrics;
    }

    @Override
    public UserState emptyState() {
        return new UserState(router.modules().parts());
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(100, 2);
    }

    @Override
    public SnapshotAdapter<UserState> snapshotAdapter() {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(UserState state) {
                // Called on the entity's thread: the snapshot is an immutable copy of the mutable state.
                return state.toSnapshot();
            }

            @Override
            public UserState fromJournal(Object from) {
                return UserState.fromSnapshot(router.modules().parts(), from);
            }
        };
    }

    @Override
    public EventHandler<UserState, UserEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(UserState::apply);
    }

    @Override
    public SignalHandler<UserState> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), state -> metrics.recovered(startedNanos))
                .onSignal(RecoveryFailed.class, (state, failed) -> metrics.persistenceFailed("recovery"))
                .onSignal(PostStop.instance(), state -> {
                    // The journal stops an entity whose write failed; sessions watching it register again.
                    if (persistStartedNanos != 0) metrics.persistenceFailed("write");
                })
                .build();
    }

    /** Persists with the write's latency measured (one write is in progress at a time per entity). */
    EffectBuilder<UserEvent, UserState> persist(UserEvent event) {
        return timed(Effect().persist(event));
    }

    EffectBuilder<UserEvent, UserState> persist(List<UserEvent> events) {
        return timed(Effect().persist(events));
    }

    private EffectBuilder<UserEvent, UserState> timed(EffectBuilder<UserEvent, UserState> effect) {
        persistStartedNanos = System.nanoTime();
        return effect.thenRun(s -> {
            metrics.persisted(persistStartedNanos);
            persistStartedNanos = 0;
        });
    }

    /** The entity's own outcome: its events persisted, then what it sends. */
    ReplyEffect<UserEvent, UserState> run(Outcome outcome) {
        if (outcome.events.isEmpty()) {
            outcome.runAfter();
            return Effect().noReply();
        }
        return persist(outcome.events).thenRun(s -> outcome.runAfter()).thenNoReply();
    }

    /**
     * A module's answer: its events persisted first, then the reply sent and the pushes to the account's
     * resources, then the sessions given fresh copies of the filtered parts the events changed, then its other
     * stanzas routed.
     */
    ReplyEffect<UserEvent, UserState> run(IqOutcome outcome, Consumer<Element> reply) {
        Runnable answer = () -> {
            outcome.before().forEach(reply);
            reply.accept(outcome.reply());
            for (HookOutcome.ToResource t : outcome.toResources()) sendToResource(t.resource(), t.stanza());
        };
        if (outcome.persist().isEmpty()) {
            answer.run();
            outcome.route().forEach(router::route);
            return Effect().noReply();
        }
        return persist(outcome.persist()).thenRun(s -> {
            answer.run();
            mirrorChanged(s, outcome.persist());
            outcome.route().forEach(router::route);
        }).thenNoReply();
    }

    /** Persists a module's events; once stored, the sessions get a copy of each filtered part they changed. */
    EffectBuilder<UserEvent, UserState> persistForModules(List<UserEvent> events) {
        return persist(events).thenRun(state -> mirrorChanged(state, events));
    }

    private void mirrorChanged(UserState state, List<UserEvent> events) {
        AccountParts parts = router.modules().parts();
        for (PartKey<?> key : router.modules().mirroredParts()) {
            int i = parts.indexOf(key);
            for (UserEvent e : events) {
                if (parts.indexForEvent(e.getClass()) == i) {
                    tellSessions(mirrorOf(state, key));
                    break;
                }
            }
        }
    }

    // ---- the modules' hooks and filters, run for the entity --------------------------------------------------

    /** The modules' STANZA_RECEIVED hook, for a message the user's resources got; nothing is built when none listens. */
    void received(UserState state, Element message, List<String> resources) {
        if (router.modules().hooked(Hook.STANZA_RECEIVED)) {
            apply(router.modules().run(Hook.STANZA_RECEIVED, new Hook.StanzaReceived(view(state), message, resources)));
        }
    }

    /** A stanza a module's filter keeps from the user: dropped, or answered on the user's behalf. */
    boolean filtered(UserState state, Element stanza) {
        String from = stanza.attr("from");
        if (from == null) return false;
        Jid sender;
        try {
            sender = Jid.parse(from);
        } catch (io.rookery.protocol.jid.InvalidJidException e) {
            return false;
        }
        StanzaFilter.Verdict verdict = router.modules().inbound(view(state), stanza, sender);
        if (verdict == null) return false;
        if (verdict.reply() != null) router.route(verdict.reply());
        return true;
    }

    /** A hook's outcome: its stanzas sent, then its events persisted, then its store work started. */
    ReplyEffect<UserEvent, UserState> run(HookOutcome outcome) {
        return effect(outcome).thenNoReply();
    }

    /**
     * A hook's outcome as an effect to finish with a reply: its stanzas sent now, its events persisted, then (when
     * it has any) its store work started, during which the entity stashes its other commands
     * ({@link #awaitingModules}) until {@link #moduleWorkDone}.
     */
    EffectBuilder<UserEvent, UserState> effect(HookOutcome outcome) {
        apply(outcome);
        EffectBuilder<UserEvent, UserState> effect = outcome.persist().isEmpty() ? Effect().none()
                : persistForModules(outcome.persist());
        return outcome.then() == null ? effect : awaiting(effect, outcome.then());
    }

    /** After the effect, the modules' store work; commands wait from now on, in order. */
    EffectBuilder<UserEvent, UserState> awaiting(EffectBuilder<UserEvent, UserState> effect,
            Supplier<CompletionStage<HookOutcome>> work) {
        awaitingModules = true;
        return effect.thenRun(s -> startModuleWork(work));
    }

    /**
     * The modules' store work completed: its outcome handled like any hook's, then the commands that waited are
     * handled, unless the outcome has more store work.
     */
    ReplyEffect<UserEvent, UserState> moduleWorkDone(HookOutcome outcome, Throwable failure) {
        awaitingModules = false;
        Runnable after = afterModuleWork;
        afterModuleWork = null;
        if (failure != null) {
            metrics.cassandraError("module-store");
            logModuleFailure(failure);
            unstashing();
            return Effect().noReply().thenUnstashAll();
        }
        EffectBuilder<UserEvent, UserState> effect = effect(outcome);
        if (awaitingModules) {
            // More store work: what waited for this waits for that too.
            afterModuleWork = after;
            return effect.thenNoReply();
        }
        unstashing();
        if (after != null) effect = effect.thenRun(s -> after.run());
        return effect.thenNoReply().thenUnstashAll();
    }

    /** Runs once the module store work the account waits for succeeded and its events are persisted. */
    void afterModuleWork(Runnable after) {
        afterModuleWork = after;
    }

    /** Starts a module's store work; its outcome comes back as a command that calls {@link #moduleWorkDone}. */
    abstract void startModuleWork(Supplier<CompletionStage<HookOutcome>> work);

    abstract void logModuleFailure(Throwable failure);

    /** The stashed commands are about to be handled again (and stashed again if the account waits once more). */
    abstract void unstashing();

    /**
     * What hook handlers decided: their stanzas to the user's resources and on. For hooks whose outcome may not
     * persist or wait (a message passing through); see {@link #effect} for those that may.
     */
    void apply(HookOutcome outcome) {
        for (HookOutcome.ToResource t : outcome.toResources()) sendToResource(t.resource(), t.stanza());
        outcome.route().forEach(router::route);
    }

    /** Tells the modules of a change to one of the account's resources, when any listens. */
    void hook(Hook<Hook.ResourceChanged> hook, UserState state, String resource) {
        if (router.modules().hooked(hook)) apply(router.modules().run(hook, new Hook.ResourceChanged(view(state), resource)));
    }

    /** A session's copy of one filtered part, as the account holds it now. */
    SessionProtocol.PartMirrored mirrorOf(UserState state, PartKey<?> key) {
        Object part = state.part(key);
        AccountParts parts = router.modules().parts();
        return new SessionProtocol.PartMirrored(key.name(),
                part == null ? null : parts.part(parts.indexOf(key)).snapshot(part));
    }

    /** The filtered parts that hold something, for a session that just bound or registered again. */
    void sendMirrors(UserState state, org.apache.pekko.actor.typed.ActorRef<SessionProtocol.Message> session) {
        for (PartKey<?> key : router.modules().mirroredParts()) {
            if (state.part(key) != null) session.tell(mirrorOf(state, key));
        }
    }

    /** A stanza for one bound resource (nothing when it is not bound). */
    abstract void sendToResource(String resource, Element stanza);

    /** Tells every bound session. */
    abstract void tellSessions(SessionProtocol.Message message);

    /** What a module's handler may read of this account. */
    /** The modules' in-memory state ({@link AccountView#memo}); null until one keeps something. */
    private java.util.Map<PartKey<?>, Object> memos;

    AccountView view(UserState state) {
        return new AccountView() {
            @Override
            public Jid jid() {
                return jid;
            }

            @Override
            public <S> S part(PartKey<S> key) {
                return state.part(key);
            }

            @Override
            public RosterItem rosterItem(String bareJid) {
                return state.rosterItem(bareJid);
            }

            @Override
            public List<RosterItem> rosterItems() {
                return state.rosterItems();
            }

            @Override
            public long lastActivitySeconds() {
                return PersistentAccount.this.lastActivitySeconds();
            }

            @Override
            public List<BoundResource> resources() {
                return boundResources();
            }

            @Override
            @SuppressWarnings("unchecked")
            public <S> S memo(PartKey<S> key, java.util.function.Supplier<S> create) {
                S kept = memos == null ? null : (S) memos.get(key);
                if (kept != null || create == null) return kept;
                if (memos == null) memos = new java.util.HashMap<>(4);
                kept = create.get();
                memos.put(key, kept);
                return kept;
            }
        };
    }

    /** See {@link AccountView#resources()}. */
    abstract List<BoundResource> boundResources();

    /** See {@link AccountView#lastActivitySeconds()}. */
    abstract long lastActivitySeconds();
}
