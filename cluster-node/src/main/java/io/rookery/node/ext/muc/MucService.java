package io.rookery.node.ext.muc;

import io.prometheus.metrics.core.metrics.Counter;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqRequest;
import io.rookery.node.ext.Service;
import io.rookery.node.ext.ServiceContext;
import io.rookery.node.ext.mam.ArchiveQueries;
import io.rookery.node.ext.mam.MamSettings;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.user.SessionProtocol;
import io.rookery.persistence.mam.ArchiveStore;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xep.muc.Muc;
import io.rookery.protocol.xml.Element;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MUC service on its subdomain: the service's own JID answers discovery (XEP-0045 §6.1-§6.3) and unique room
 * names (§10.1.4); every stanza to a room or an occupant JID goes to that room's entity, with the sending session.
 */
final class MucService implements Service {
    private static final Logger log = LoggerFactory.getLogger(MucService.class);

    /** What every room of this node shares: settings, sending, ids, the archive, metrics. */
    static final class Shared {
        private final MucSettings settings;
        private final RoomIo io;
        private final String serverDomain;
        private final Clock clock;
        private final byte[] secret;
        private final Supplier<ArchiveStore> archive;
        private final ArchiveQueries queries;
        private final int retentionSeconds;
        private final Cluster cluster;
        private org.apache.pekko.actor.typed.ActorRefResolver resolver;
        private final Counter messages;
        private final Counter rateRefused;
        private final io.prometheus.metrics.core.datapoints.CounterDataPoint archiveErrors;
        private io.prometheus.metrics.core.metrics.Gauge rooms;
        private RoomRelay.Directory relays;
        private Supplier<io.rookery.persistence.muc.RoomDirectory> directory;
        private final AtomicLong ids = new AtomicLong(new SecureRandom().nextLong() & 0xffffffffL);

        Shared(MucSettings settings, RoomIo io, String serverDomain, Clock clock, byte[] secret,
                Supplier<ArchiveStore> archive, ArchiveQueries queries, int retentionSeconds, Cluster cluster,
                Counter messages, Counter rateRefused, io.prometheus.metrics.core.datapoints.CounterDataPoint archiveErrors) {
            this.settings = settings;
            this.io = io;
            this.serverDomain = serverDomain;
            this.clock = clock;
            this.secret = secret;
            this.archive = archive;
            this.queries = queries;
            this.retentionSeconds = retentionSeconds;
            this.cluster = cluster;
            this.messages = messages;
            this.rateRefused = rateRefused;
            this.archiveErrors = archiveErrors;
        }

        MucSettings settings() {
            return settings;
        }

        RoomIo io() {
            return io;
        }

        Clock clock() {
            return clock;
        }

        /** Users of this server create rooms; users of other servers do not. */
        boolean mayCreate(Jid user) {
            return serverDomain.equals(user.domain());
        }

        /** XEP-0421 §3: stable per room and real bare JID, not linkable to it without the cluster's secret. */
        String occupantId(Jid room, Jid user) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacSHA256"));
                mac.update(room.bare().toString().getBytes(StandardCharsets.UTF_8));
                mac.update((byte) 0);
                byte[] h = mac.doFinal(user.bare().toString().getBytes(StandardCharsets.UTF_8));
                return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(h, 18));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** An id for a stanza the room itself sends. */
        String newId() {
            return "muc-" + Long.toHexString(ids.incrementAndGet());
        }

        /** A groupchat message to every occupant: once per node for the sessions there (RoomRelay). */
        void broadcast(Room room, Element message) {
            messages.inc();
            List<Occupant> to = new java.util.ArrayList<>(room.occupants.values());
            sendAll(to, java.util.Collections.nCopies(to.size(), message));
        }

        /**
         * These stanzas to these occupants (same index): straight to sessions on this node and to those whose
         * session is not known (through their accounts); for another node, the occupants there that get the very
         * same stanza get it through that node's relay, in one message.
         */
        void sendAll(List<Occupant> to, List<Element> stanzas) {
            Map<org.apache.pekko.actor.Address, Map<Element, List<Occupant>>> remote = null;
            for (int i = 0; i < to.size(); i++) {
                Occupant o = to.get(i);
                Element e = stanzas.get(i);
                if (o.session == null || o.session.path().address().hasLocalScope()) {
                    io.send(o, e);
                    continue;
                }
                if (remote == null) remote = new java.util.HashMap<>();
                remote.computeIfAbsent(o.session.path().address(), a -> new java.util.IdentityHashMap<>())
                        .computeIfAbsent(e, x -> new java.util.ArrayList<>()).add(o);
            }
            if (remote == null) return;
            long now = NodeMetrics.nowMicros();
            remote.forEach((address, byStanza) -> {
                ActorRef<RoomRelay.Fanout> relay = relays == null ? null : relays.relayAt(address);
                byStanza.forEach((stanza, group) -> {
                    if (relay == null || group.size() == 1) {
                        for (Occupant o : group) io.send(o, stanza);
                        return;
                    }
                    java.util.ArrayList<ActorRef<SessionProtocol.Message>> sessions =
                            new java.util.ArrayList<>(group.size());
                    java.util.ArrayList<String> jids = new java.util.ArrayList<>(group.size());
                    for (Occupant o : group) {
                        sessions.add(o.session);
                        jids.add(o.jid.toString());
                    }
                    relay.tell(new RoomRelay.Fanout(stanza, sessions, jids, now));
                });
            });
        }

        /** A room entity started on this node, or stopped. */
        void roomStarted() {
            if (rooms != null) rooms.inc();
        }

        void roomStopped() {
            if (rooms != null) rooms.dec();
        }

        void refusedForRate() {
            rateRefused.inc();
        }

        /** Keeps the broadcast message in the room's archive (XEP-0313), without waiting. */
        void archive(Jid room, long id, String occupantJid, Element message) {
            archive.get().put(room.toString(), id, occupantJid, message.toString(), retentionSeconds)
                    .whenComplete((v, failure) -> {
                        if (failure == null) return;
                        archiveErrors.inc();
                        log.warn("muc-archive-failed room={} error={}", room, failure.toString());
                    });
        }

        /** A XEP-0313 query of the room's archive, answered from the store with results from the room's JID. */
        void queryArchive(Jid room, Element iq, ActorRef<SessionProtocol.Message> session) {
            IqOutcome outcome = queries.query(new IqRequest(iq, AddressKind.SERVER, null), room.toString());
            if (outcome.later() == null) {
                sendOutcome(room, outcome, session);
                return;
            }
            outcome.later().whenComplete((o, failure) -> {
                if (failure != null || o == null) {
                    io.error(iq, session, StanzaErrorCondition.INTERNAL_SERVER_ERROR);
                } else {
                    sendOutcome(room, o, session);
                }
            });
        }

        private void sendOutcome(Jid room, IqOutcome o, ActorRef<SessionProtocol.Message> session) {
            for (Element result : o.before()) io.reply(result.withAttr("from", room.toString()), session);
            if (o.reply() != null) io.reply(o.reply(), session);
        }

        /** The session's actor path (with address and uid) as the journal keeps it; null for none. */
        String sessionString(ActorRef<SessionProtocol.Message> session) {
            return session == null ? null : resolver.toSerializationFormat(session);
        }

        /** The session named so, or null (none, or not readable). */
        ActorRef<SessionProtocol.Message> resolve(String session) {
            if (session == null) return null;
            try {
                return resolver.resolveActorRef(session);
            } catch (RuntimeException e) {
                return null;
            }
        }

        /** The room's last messages in its archive, newest first. */
        java.util.concurrent.CompletionStage<List<ArchiveStore.Archived>> lastMessages(Jid room, int n) {
            try {
                return archive.get().range(room.toString(), ArchiveStore.ALL, 0, Long.MAX_VALUE, true, n);
            } catch (RuntimeException e) {
                return java.util.concurrent.CompletableFuture.failedFuture(e);
            }
        }

        /**
         * The service's list of public rooms (disco#items) follows the room's configuration: listed while it exists
         * and is public, under its name; not waited for (a failed write is logged, the room goes on).
         */
        void publish(Room room) {
            io.rookery.persistence.muc.RoomDirectory d = directory.get();
            String service = room.jid.domain();
            var write = room.exists && !room.locked && room.config.isPublic()
                    ? d.put(service, room.jid.toString(), room.config.name())
                    : d.remove(service, room.jid.toString());
            write.whenComplete((v, failure) -> {
                if (failure != null) log.warn("muc-directory-failed room={} error={}", room.jid, failure.toString());
            });
        }

        java.util.concurrent.CompletionStage<List<io.rookery.persistence.muc.RoomDirectory.Listed>> publicRooms(
                String service, String after, int limit) {
            return directory.get().list(service, after, limit);
        }

        /** Whether the node of this session is a live member (a dead node's sessions are gone). */
        boolean nodeUp(ActorRef<?> session) {
            org.apache.pekko.actor.Address address = session.path().address();
            if (address.hasLocalScope()) return true;
            for (org.apache.pekko.cluster.Member m : cluster.state().getUnreachable()) {
                if (m.address().equals(address)) return false;
            }
            for (org.apache.pekko.cluster.Member m : cluster.state().getMembers()) {
                if (m.address().equals(address)) return m.status() == MemberStatus.up()
                        || m.status() == MemberStatus.weaklyUp() || m.status() == MemberStatus.joining();
            }
            return false;
        }
    }

    private final String domain;
    private final String name;
    private final ClusterSharding sharding;
    private final Shared shared;

    private MucService(String domain, String name, ClusterSharding sharding, Shared shared) {
        this.domain = domain;
        this.name = name;
        this.sharding = sharding;
        this.shared = shared;
    }

    static MucService start(ServiceContext ctx, String serverDomain, String domain, MucSettings settings,
            MamSettings mam, Clock clock) {
        ActorSystem<?> system = ctx.system();
        Counter queries = Counter.builder().name("xmpp_muc_archive_queries_total")
                .help("XEP-0313 queries of room archives, by filter").labelNames("filter").register(ctx.metrics());
        Counter storeErrors = Counter.builder().name("xmpp_muc_archive_store_errors_total")
                .help("Room archive reads and writes that failed, by operation").labelNames("operation")
                .register(ctx.metrics());
        Counter messages = Counter.builder().name("xmpp_muc_messages_total")
                .help("Groupchat messages rooms broadcast").register(ctx.metrics());
        Counter rate = Counter.builder().name("xmpp_muc_rate_refused_total")
                .help("Occupants' messages refused with resource-constraint for their rate").register(ctx.metrics());
        Supplier<ArchiveStore> archive = () -> ctx.stores().archive();
        ArchiveQueries reads = new ArchiveQueries(mam, archive, queries, storeErrors);
        Shared shared = new Shared(settings, new RoomIo(ctx.router()), serverDomain, clock, ctx.clusterSecret(),
                archive, reads, mam.retentionSeconds(), Cluster.get(system), messages, rate,
                storeErrors.labelValues("put"));
        shared.resolver = org.apache.pekko.actor.typed.ActorRefResolver.get(system);
        shared.rooms = io.prometheus.metrics.core.metrics.Gauge.builder().name("xmpp_muc_rooms")
                .help("Rooms in memory on this node").register(ctx.metrics());
        shared.relays = new RoomRelay.Directory();
        shared.directory = () -> ctx.stores().rooms();
        system.systemActorOf(RoomRelay.create(), "muc-relay", org.apache.pekko.actor.typed.Props.empty());
        system.systemActorOf(shared.relays.follower(), "muc-relays", org.apache.pekko.actor.typed.Props.empty());
        RoomEntity.init(system, shared);
        return new MucService(domain, settings.name(), ClusterSharding.get(system), shared);
    }

    @Override
    public void deliver(Element stanza, Jid to, ActorRef<?> session) {
        @SuppressWarnings("unchecked")
        ActorRef<SessionProtocol.Message> s = (ActorRef<SessionProtocol.Message>) session;
        if (to.local() == null) {
            service(stanza, to, s);
            return;
        }
        sharding.entityRefFor(RoomEntity.TYPE_KEY, to.bare().toString()).tell(new RoomEntity.Inbound(stanza, to, s));
    }

    /** The service's own JID: discovery and unique names; other requests service-unavailable. */
    private void service(Element stanza, Jid to, ActorRef<SessionProtocol.Message> session) {
        String type = stanza.attr("type");
        if (!"iq".equals(stanza.name())) {
            if ("message".equals(stanza.name())) shared.io.error(stanza, session, StanzaErrorCondition.SERVICE_UNAVAILABLE);
            return;
        }
        if (!"get".equals(type) && !"set".equals(type)) return;
        Element q = stanza.elements().size() == 1 ? stanza.elements().get(0) : null;
        if (q == null) {
            shared.io.error(stanza, session, StanzaErrorCondition.BAD_REQUEST);
        } else if ("get".equals(type) && q.is("query", Disco.INFO) && q.attr("node") == null && to.resource() == null) {
            shared.io.result(stanza, session, Disco.info(null, List.of(new Disco.Identity("conference", "text", name)),
                    List.of(Disco.INFO, Disco.ITEMS, Muc.NS, Muc.NS + "#unique", Muc.OCCUPANT_ID,
                            io.rookery.protocol.xep.mam.Mam.NS)));
        } else if ("get".equals(type) && q.is("query", Disco.ITEMS) && q.attr("node") == null && to.resource() == null) {
            publicRooms(stanza, q, session);
        } else if ("get".equals(type) && q.is("unique", Muc.NS + "#unique")) {
            byte[] r = new byte[12];
            new SecureRandom().nextBytes(r);
            String unique = java.util.HexFormat.of().formatHex(r);
            shared.io.result(stanza, session, Element.builder("unique", Muc.NS + "#unique").text(unique).build());
        } else {
            shared.io.error(stanza, session, StanzaErrorCondition.SERVICE_UNAVAILABLE);
        }
    }

    /** The rooms that chose to be public, a page at a time (§6.3 with XEP-0059: max and after). */
    private void publicRooms(Element iq, Element query, ActorRef<SessionProtocol.Message> session) {
        io.rookery.protocol.xep.rsm.ResultSet.Request page;
        try {
            page = io.rookery.protocol.xep.rsm.ResultSet.parse(query);
        } catch (IllegalArgumentException e) {
            shared.io.error(iq, session, StanzaErrorCondition.BAD_REQUEST);
            return;
        }
        if (page.backward() || page.index() >= 0) {
            shared.io.error(iq, session, StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED);
            return;
        }
        int max = page.max() < 0 ? ITEMS_PAGE : Math.min(page.max(), ITEMS_PAGE);
        shared.publicRooms(domain, page.after(), max + 1).whenComplete((rooms, failure) -> {
            if (failure != null) {
                log.warn("muc-directory-failed operation=list error={}", failure.toString());
                shared.io.error(iq, session, StanzaErrorCondition.INTERNAL_SERVER_ERROR);
                return;
            }
            List<io.rookery.persistence.muc.RoomDirectory.Listed> shown = rooms.size() > max
                    ? rooms.subList(0, max) : rooms;
            java.util.List<Disco.Item> items = new java.util.ArrayList<>(shown.size());
            for (var r : shown) items.add(new Disco.Item(r.room(), null, r.name().isEmpty() ? null : r.name()));
            Element result = Disco.items(null, items);
            // RSM only when asked, or when there is more than one page.
            if (page.max() >= 0 || page.after() != null || rooms.size() > max) {
                List<io.rookery.protocol.xml.Node> children = new java.util.ArrayList<>(result.children());
                children.add(io.rookery.protocol.xep.rsm.ResultSet.answer(shown.isEmpty() ? null : shown.get(0).room(),
                        shown.isEmpty() ? null : shown.get(shown.size() - 1).room(), -1));
                result = result.withChildren(children);
            }
            shared.io.result(iq, session, result);
        });
    }

    /** The most public rooms one disco#items answer lists; a client pages on with RSM. */
    private static final int ITEMS_PAGE = 100;

    String domain() {
        return domain;
    }
}
