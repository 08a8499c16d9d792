package io.rookery.node.ext.pubsub;

import io.rookery.node.user.SessionProtocol;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.pubsub.NodeEvent;
import io.rookery.persistence.pubsub.NodeSnapshot;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xep.pubsub.PubSub;
import io.rookery.protocol.xml.Element;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One node of the XEP-0060 service, a sharded entity keyed by the node's name wherever in the cluster it lives. Its
 * journal holds its creation, configuration, affiliations and subscriptions (with their options and subids); its
 * items are in the {@link io.rookery.persistence.pubsub.ItemStore}. Every request naming the node comes here as
 * {@link Inbound}, with the sending session when the client is on some member's c2s; the node answers through
 * {@link PubSubIo} and notifies its subscribers through the router.
 */
final class NodeEntity extends EventSourcedBehavior<NodeEntity.Command, NodeEvent, NodeState> {
    static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "PubSubNode");

    interface Command {}

    /** An iq naming the node (pubsub, pubsub#owner, disco with the node); session: the client's, else null. */
    record Inbound(Element stanza, ActorRef<SessionProtocol.Message> session) implements Command, KryoSerializable {}

    /** Nothing came for the idle timeout: the node leaves memory. */
    enum Idle implements Command, KryoSerializable { INSTANCE }

    /** Sharding stops the node (rebalance, member leaving). */
    enum Stop implements Command, KryoSerializable { INSTANCE }

    /**
     * What handling one request decided: events to persist, then what to do once they are stored (answer, notify,
     * read or write items). Nothing is sent before the events it depends on are stored.
     */
    record Step(List<NodeEvent> events, Runnable then) {
        static final Step NONE = new Step(List.of(), () -> { });

        static Step run(Runnable then) {
            return new Step(List.of(), then);
        }

        static Step persist(List<NodeEvent> events, Runnable then) {
            return new Step(events, then);
        }
    }

    static void init(org.apache.pekko.actor.typed.ActorSystem<?> system, NodeShared shared) {
        ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), shared,
                ctx.getShard())).withStopMessage(Stop.INSTANCE));
    }

    /** shard: null outside sharding (tests), where the node stops on Stop instead of passivating. */
    static Behavior<Command> create(String node, NodeShared shared,
            ActorRef<ClusterSharding.ShardCommand> shard) {
        return Behaviors.setup(ctx -> {
            ctx.setReceiveTimeout(shared.settings.idleTimeout(), Idle.INSTANCE);
            return new NodeEntity(node, ctx, shard, shared);
        });
    }

    private final NodeState state;
    private final ActorContext<Command> context;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final NodeShared shared;
    private final NodeRequests requests;
    private final NodeOwner owner;

    private NodeEntity(String node, ActorContext<Command> context, ActorRef<ClusterSharding.ShardCommand> shard,
            NodeShared shared) {
        super(PersistenceId.of(TYPE_KEY.name(), node));
        this.state = new NodeState(node, shared.settings.defaultConfig());
        this.context = context;
        this.shard = shard;
        this.shared = shared;
        this.requests = new NodeRequests(state, shared);
        this.owner = new NodeOwner(state, shared);
        shared.started();
    }

    @Override
    public NodeState emptyState() {
        return state;
    }

    @Override
    public CommandHandler<Command, NodeEvent, NodeState> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Inbound.class, (s, cmd) -> effect(inbound(cmd)))
                .onCommand(Idle.class, (s, cmd) -> {
                    if (shard != null) shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
                    return Effect().none();
                })
                .onCommand(Stop.class, (s, cmd) -> Effect().stop())
                .build();
    }

    private Step inbound(Inbound cmd) {
        Element iq = cmd.stanza();
        ActorRef<SessionProtocol.Message> session = cmd.session();
        Jid from = Jid.parseOrNull(iq.attr("from"));
        String type = iq.attr("type");
        if (from == null || !"iq".equals(iq.name()) || !("get".equals(type) || "set".equals(type))) return Step.NONE;
        Element q = iq.elements().size() == 1 ? iq.elements().get(0) : null;
        if (q == null) return Step.run(() -> shared.io.error(iq, session, StanzaErrorCondition.BAD_REQUEST, null, null));
        boolean get = "get".equals(type);
        if (get && q.is("query", Disco.INFO)) return requests.discoInfo(iq, from, session);
        if (get && q.is("query", Disco.ITEMS)) return requests.discoItems(iq, from, session);
        Element action = q.elements().isEmpty() ? null : q.elements().get(0);
        if (action == null) {
            return Step.run(() -> shared.io.error(iq, session, StanzaErrorCondition.BAD_REQUEST, null, null));
        }
        if (q.is("pubsub", PubSub.NS)) {
            if ("create".equals(action.name())) return get ? bad(iq, session) : owner.create(iq, q, from, session);
            return requests.handle(iq, q, action, get, from, session);
        }
        if (q.is("pubsub", PubSub.OWNER)) return owner.handle(iq, action, get, from, session);
        return Step.run(() -> shared.io.error(iq, session, StanzaErrorCondition.SERVICE_UNAVAILABLE, null, null));
    }

    private Step bad(Element iq, ActorRef<SessionProtocol.Message> session) {
        return Step.run(() -> shared.io.error(iq, session, StanzaErrorCondition.BAD_REQUEST, null, null));
    }

    private Effect<NodeEvent, NodeState> effect(Step step) {
        if (step.events().isEmpty()) {
            step.then().run();
            return Effect().none();
        }
        return Effect().persist(step.events()).thenRun(s -> step.then().run());
    }

    @Override
    public EventHandler<NodeState, NodeEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(NodeState::apply);
    }

    @Override
    public SignalHandler<NodeState> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(org.apache.pekko.actor.typed.PostStop.instance(), s -> shared.stopped())
                .build();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(100, 2);
    }

    @Override
    public SnapshotAdapter<NodeState> snapshotAdapter() {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(NodeState s) {
                return s.snapshot();
            }

            @Override
            public NodeState fromJournal(Object from) {
                state.restore((NodeSnapshot) from);
                return state;
            }
        };
    }
}
