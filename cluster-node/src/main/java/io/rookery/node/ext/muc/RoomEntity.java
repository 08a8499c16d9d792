package io.rookery.node.ext.muc;

import io.rookery.node.user.SessionProtocol;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.muc.RoomDestroyed;
import io.rookery.persistence.muc.RoomEvent;
import io.rookery.persistence.muc.RoomSnapshot;
import io.rookery.persistence.muc.RoomSnapshotV2;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xml.Element;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One XEP-0045 room, a sharded entity keyed by the room's bare JID wherever in the cluster it lives. Its journal
 * holds what outlives it (creation, configuration, affiliations, registered nicks, subject, destruction); its
 * occupants and history live in memory. Every stanza to the room or one of its occupant JIDs comes here as
 * {@link Inbound}, with the sending session when the client is on some node's c2s; the room answers and broadcasts
 * through {@link RoomIo}, straight to occupants' sessions.
 */
final class RoomEntity extends EventSourcedBehavior<RoomEntity.Command, RoomEvent, Room> {
    static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Room");

    interface Command {}

    /** A stanza to the room or an occupant JID; session: the client's session when known, else null. */
    record Inbound(Element stanza, Jid to, ActorRef<SessionProtocol.Message> session)
            implements Command, KryoSerializable {}

    /** The session of an occupant stopped (its client left, or its node is gone). */
    record SessionEnded(ActorRef<SessionProtocol.Message> session) implements Command, KryoSerializable {}

    /** The room has had no occupants for the idle timeout: it leaves memory. */
    enum Idle implements Command, KryoSerializable { INSTANCE }

    /** The last occupant left. */
    enum Emptied implements Command, KryoSerializable { INSTANCE }

    /** Writes the live occupants back to the journal (they changed since they were last written). */
    enum SyncOccupants implements Command, KryoSerializable { INSTANCE }

    /** After recovery: occupants whose sessions died with their node are removed (333). */
    enum CheckOccupants implements Command, KryoSerializable { INSTANCE }

    /** The room's last messages, read back from its archive after it started (discussion history). */
    record HistoryLoaded(List<io.rookery.persistence.mam.ArchiveStore.Archived> messages)
            implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

    /** Sharding stops the room (rebalance, node leaving). */
    enum Stop implements Command, KryoSerializable { INSTANCE }

    /**
     * What handling one stanza decided: events to persist, then what to do once they are stored (send, change the
     * occupants). Nothing is sent before the events it depends on are stored.
     */
    record Step(List<RoomEvent> events, Runnable then) {
        static final Step NONE = new Step(List.of(), () -> { });

        static Step run(Runnable then) {
            return new Step(List.of(), then);
        }

        static Step persist(List<RoomEvent> events, Runnable then) {
            return new Step(events, then);
        }
    }

    static void init(org.apache.pekko.actor.typed.ActorSystem<?> system, MucService.Shared shared) {
        ClusterSharding.get(system).init(org.apache.pekko.cluster.sharding.typed.javadsl.Entity.of(TYPE_KEY,
                ctx -> create(ctx, shared)).withStopMessage(Stop.INSTANCE));
    }

    static Behavior<Command> create(EntityContext<Command> entity, MucService.Shared shared) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new RoomEntity(
                Jid.parse(entity.getEntityId()), ctx, timers, entity.getShard(), shared)));
    }

    private final Room room;
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final MucService.Shared shared;
    private final Occupancy occupancy;
    private final RoomChat chat;
    private final RoomAdmin admin;

    private RoomEntity(Jid jid, ActorContext<Command> context, TimerScheduler<Command> timers,
            ActorRef<ClusterSharding.ShardCommand> shard, MucService.Shared shared) {
        super(PersistenceId.of(TYPE_KEY.name(), jid.toString()));
        this.room = new Room(jid, shared.settings());
        this.context = context;
        this.timers = timers;
        this.shard = shard;
        this.shared = shared;
        this.occupancy = new Occupancy(room, shared, this::watch, () -> context.getSelf().tell(Emptied.INSTANCE));
        this.chat = new RoomChat(room, shared, occupancy);
        this.admin = new RoomAdmin(room, shared, occupancy);
        shared.roomStarted();
    }

    @Override
    public Room emptyState() {
        return room;
    }

    @Override
    public CommandHandler<Command, RoomEvent, Room> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Inbound.class, (r, cmd) -> effect(inbound(cmd)))
                .onCommand(SessionEnded.class, (r, cmd) -> effect(occupancy.sessionEnded(cmd.session())))
                .onCommand(Idle.class, (r, cmd) -> {
                    if (r.count() == 0) shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
                    return Effect().none();
                })
                .onCommand(Emptied.class, (r, cmd) -> effect(emptied()))
                .onCommand(SyncOccupants.class, (r, cmd) -> {
                    syncing = false;
                    return Effect().persist(occupancy.changes());
                })
                .onCommand(CheckOccupants.class, (r, cmd) -> effect(occupancy.dropUnreachable()))
                .onCommand(HistoryLoaded.class, (r, cmd) -> {
                    occupancy.historyLoaded(cmd.messages());
                    return Effect().none();
                })
                .onCommand(Stop.class, (r, cmd) -> Effect().stop())
                .build();
    }

    private Step inbound(Inbound cmd) {
        Element s = cmd.stanza();
        Jid from = Jid.parseOrNull(s.attr("from"));
        if (from == null) return Step.NONE;
        return switch (s.name()) {
            case "presence" -> cmd.to().resource() == null
                    ? bareRoomPresence(s, cmd.session()) : occupancy.presence(s, from, cmd.to(), cmd.session());
            case "message" -> chat.message(s, from, cmd.to(), cmd.session());
            case "iq" -> cmd.to().resource() == null ? admin.iq(s, from, cmd.session())
                    : chat.iqToOccupant(s, from, cmd.to(), cmd.session());
            default -> Step.NONE;
        };
    }

    /** §7.2.1: a presence to the room's bare JID has no nick to join with. */
    private Step bareRoomPresence(Element s, ActorRef<SessionProtocol.Message> session) {
        String type = s.attr("type");
        if (type == null) return Step.run(() -> shared.io().error(s, session, StanzaErrorCondition.JID_MALFORMED));
        return Step.NONE;
    }

    private boolean syncing;

    private Effect<RoomEvent, Room> effect(Step step) {
        if (step.events().isEmpty()) {
            step.then().run();
            syncLater();
            return Effect().none();
        }
        boolean listing = step.events().stream().anyMatch(e -> e instanceof io.rookery.persistence.muc.RoomConfigured
                || e instanceof RoomDestroyed);
        return Effect().persist(step.events()).thenRun(r -> {
            if (listing) shared.publish(r);
            step.then().run();
            syncLater();
        });
    }

    /** Occupants changed: they are written to the journal next (once for all the changes queued until then). */
    private void syncLater() {
        if (!room.occupantsChanged || syncing) return;
        syncing = true;
        context.getSelf().tell(SyncOccupants.INSTANCE);
    }

    private void watch(ActorRef<SessionProtocol.Message> session) {
        timers.cancel(Idle.INSTANCE);
        if (session != null) context.watchWith(session, new SessionEnded(session));
    }

    /** The last occupant left: a temporary room is gone (§10.1.1), any room leaves memory once idle. */
    private Step emptied() {
        if (room.count() > 0) return Step.NONE;
        timers.startSingleTimer(Idle.INSTANCE, shared.settings().idleTimeout());
        if (room.exists && !room.config.persistent()) {
            return Step.persist(List.of(new RoomDestroyed(null, null)), () -> { });
        }
        return Step.NONE;
    }

    @Override
    public EventHandler<Room, RoomEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(Room::apply);
    }

    @Override
    public SignalHandler<Room> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(org.apache.pekko.actor.typed.PostStop.instance(), r -> shared.roomStopped())
                .onSignal(RecoveryCompleted.instance(), r -> {
                    // Its occupants are back (moved, or restarted after its node died); those whose sessions are
                    // gone are removed next, and the discussion history is read back from the archive.
                    occupancy.recovered();
                    if (r.count() == 0) {
                        timers.startSingleTimer(Idle.INSTANCE, shared.settings().idleTimeout());
                        // A temporary room lives only while occupied.
                        if (r.exists && !r.config.persistent()) context.getSelf().tell(Emptied.INSTANCE);
                    } else {
                        context.getSelf().tell(CheckOccupants.INSTANCE);
                    }
                    if (r.exists && r.config.logging() && r.config.maxHistory() > 0) {
                        context.pipeToSelf(shared.lastMessages(r.jid, r.config.maxHistory()),
                                (rows, failure) -> new HistoryLoaded(failure == null ? rows : List.of()));
                    }
                })
                .build();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(100, 2);
    }

    @Override
    public SnapshotAdapter<Room> snapshotAdapter() {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(Room state) {
                return state.snapshotV2();
            }

            @Override
            public Room fromJournal(Object from) {
                if (from instanceof RoomSnapshotV2 v2) room.restore(v2);
                else room.restore((RoomSnapshot) from);
                return room;
            }
        };
    }
}
