package io.rookery.node.bosh;

import io.rookery.node.c2s.C2sListener;
import io.rookery.node.config.RookerySettings;
import io.rookery.node.limits.AddressKey;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.protocol.bosh.Bosh;
import io.rookery.protocol.bosh.Bosh.Condition;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.ParserLimits;
import io.rookery.protocol.xml.StreamHeader;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * BOSH (XEP-0124, XMPP over it by XEP-0206) at {@code rookery.http.bosh.path} on the HTTP listeners: a session
 * creation request (no sid) from an allowed origin, addressed to the served domain, starts a session like a TCP
 * connection (counted against its address's unauthenticated connections), and later requests find it by sid. Each
 * session runs the same {@link io.rookery.node.c2s.ConnectionStage} and session actor as TCP; see
 * {@link BoshSession} for the request rules. Requests from other origins need CORS, which is answered for the
 * allowed origins (any when the list is empty).
 */
public final class BoshEndpoint {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BoshEndpoint.class);
    /** The largest stream queue a session may have before its stage reads it: a client far ahead of its session. */
    private static final int INPUT_QUEUE = 32;

    private final ActorSystem<?> system;
    private final C2sListener listener;
    private final RookerySettings.HttpSettings settings;
    private final RookerySettings.BoshSettings bosh;
    private final NodeMetrics.Listener metrics;
    private final Materializer materializer;
    private final ParserLimits limits;
    private final int maxBodyBytes;
    private final ConcurrentHashMap<String, BoshSession> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    /** Other members' relays by tag, resolved once each. */
    private final ConcurrentHashMap<String, org.apache.pekko.actor.typed.ActorRef<BoshRelay.Forward>> relays =
            new ConcurrentHashMap<>();
    /** This node's sids start with it (see {@link BoshRelay}). */
    private final String tag;

    public BoshEndpoint(ActorSystem<?> system, C2sListener listener, RookerySettings.HttpSettings settings,
            int maxStanzaBytes, NodeMetrics.Listener metrics) {
        this.system = system;
        this.listener = listener;
        this.settings = settings;
        this.bosh = settings.bosh();
        this.metrics = metrics;
        this.materializer = Materializer.matFromSystem(system);
        // A body holds stanzas each within the stream's limit (which the session's parser applies again).
        this.maxBodyBytes = maxStanzaBytes + 4096;
        this.limits = ParserLimits.forMaxStanzaBytes(maxBodyBytes);
        if (settings.enabled()) {
            system.scheduler().scheduleWithFixedDelay(Duration.ofSeconds(1), Duration.ofSeconds(1), this::sweep,
                    system.executionContext());
            CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "bosh-system-shutdown",
                    () -> {
                        for (BoshSession s : sessions.values()) s.shutdown();
                        return CompletableFuture.completedFuture(Done.getInstance());
                    });
            tag = BoshRelay.tag(org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system)).selfUniqueAddress());
            system.systemActorOf(BoshRelay.create(this), BoshRelay.NAME, org.apache.pekko.actor.typed.Props.empty());
        } else {
            tag = "00000000";
        }
    }

    public Route route() {
        Route inner = Directives.optionalHeaderValueByName("Origin", origin -> {
            if (origin.isPresent() && !settings.allowedOrigins().isEmpty()
                    && !settings.allowedOrigins().contains(origin.get())) {
                return Directives.complete(StatusCodes.FORBIDDEN, "origin not allowed\n");
            }
            List<HttpHeader> cors = List.of(RawHeader.create("Access-Control-Allow-Origin", origin.orElse("*")));
            return Directives.concat(
                    Directives.options(() -> Directives.complete(HttpResponse.create().addHeaders(cors)
                            .addHeader(RawHeader.create("Access-Control-Allow-Methods", "POST, OPTIONS"))
                            .addHeader(RawHeader.create("Access-Control-Allow-Headers", "Content-Type"))
                            .addHeader(RawHeader.create("Access-Control-Max-Age", "86400")))),
                    Directives.post(() -> Directives.attribute(AttributeKeys.remoteAddress, remote ->
                            // A request may be held up to max-wait: past the listeners' request-timeout.
                            Directives.withRequestTimeout(scala.concurrent.duration.Duration.fromNanos(
                                    bosh.maxWait().plusSeconds(30).toNanos()), () ->
                                    Directives.withSizeLimit(maxBodyBytes, () ->
                                            Directives.entity(Unmarshaller.entityToString(), text ->
                                                    Directives.onSuccess(handle(text, remote.getAddress()
                                                            .map(AddressKey::of).orElse(AddressKey.UNKNOWN)),
                                                            answer -> Directives.complete(response(answer, cors)))))))),
                    Directives.complete(HttpResponse.create().withStatus(StatusCodes.METHOD_NOT_ALLOWED)
                            .addHeader(RawHeader.create("Allow", "POST, OPTIONS"))
                            .withEntity("BOSH (XEP-0124): POST <body/> here\n")));
        });
        return Directives.path(PathMatchers.separateOnSlashes(bosh.path().substring(1)), () -> inner);
    }

    private static HttpResponse response(BoshSession.Answer answer, List<HttpHeader> cors) {
        HttpResponse r = HttpResponse.create().withStatus(answer.status()).addHeaders(cors);
        return answer.status() == 200 ? r.withEntity(HttpEntities.create(ContentTypes.TEXT_XML_UTF8, answer.body()))
                : r;
    }

    /**
     * One request's answer: at once, or when its session has something to send or its wait runs out. A request for
     * a session of another node goes to that node's relay.
     */
    CompletionStage<BoshSession.Answer> handle(String text, long address) {
        Bosh.Request r;
        try {
            r = Bosh.parse(text, limits);
        } catch (Bosh.BadRequest e) {
            return CompletableFuture.completedFuture(BoshSession.Answer.ok(Bosh.terminate(Condition.BAD_REQUEST)));
        }
        String sid = r.sid();
        if (sid == null || sid.startsWith(tag)) return local(r, address);
        org.apache.pekko.actor.typed.ActorRef<BoshRelay.Forward> owner = sid.length() < 8 ? null
                : relay(sid.substring(0, 8));
        if (owner == null) {
            return CompletableFuture.completedFuture(BoshSession.Answer.ok(Bosh.terminate(Condition.ITEM_NOT_FOUND)));
        }
        return org.apache.pekko.actor.typed.javadsl.AskPattern.<BoshRelay.Forward, BoshRelay.Reply>ask(owner,
                replyTo -> new BoshRelay.Forward(text, address, replyTo), bosh.maxWait().plusSeconds(20),
                system.scheduler())
                .handle((reply, failure) -> failure == null ? new BoshSession.Answer(reply.status(), reply.body())
                        // The session's node left (or did not answer): the session is gone with it.
                        : BoshSession.Answer.ok(Bosh.terminate(Condition.REMOTE_CONNECTION_FAILED)));
    }

    /**
     * The relay of the member whose sids start with that tag; null when no member has it (gone, or never). The
     * membership is read each time (a member that left must not be asked until the ask times out).
     */
    private org.apache.pekko.actor.typed.ActorRef<BoshRelay.Forward> relay(String tag) {
        for (org.apache.pekko.cluster.Member m : org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system))
                .state().getMembers()) {
            if (BoshRelay.tag(m.uniqueAddress()).equals(tag)) {
                return relays.computeIfAbsent(tag, t -> org.apache.pekko.actor.typed.ActorRefResolver.get(system)
                        .resolveActorRef(m.address() + BoshRelay.PATH));
            }
        }
        relays.remove(tag);
        return null;
    }

    /** A request another node's relay passed on: for a session of this node. */
    CompletionStage<BoshSession.Answer> handleLocal(String text, long address) {
        try {
            return local(Bosh.parse(text, limits), address);
        } catch (Bosh.BadRequest e) {
            return CompletableFuture.completedFuture(BoshSession.Answer.ok(Bosh.terminate(Condition.BAD_REQUEST)));
        }
    }

    private CompletionStage<BoshSession.Answer> local(Bosh.Request r, long address) {
        long now = System.nanoTime();
        CompletableFuture<BoshSession.Answer> reply = new CompletableFuture<>();
        String sid = r.sid();
        if (LOG.isDebugEnabled()) {
            LOG.debug("bosh-request sid={} rid={} type={} restart={} payload-chars={}", sid, r.rid(),
                    r.body().attr("type"), r.restart(), r.payload().length());
            reply.thenAccept(a -> LOG.debug("bosh-response sid={} rid={} status={} {}", sid, r.rid(), a.status(),
                    a.body()));
        }
        if (sid == null) {
            create(r, address, reply, now);
        } else {
            BoshSession s = sessions.get(sid);
            if (s == null) {
                // Whether the client is a legacy one (§17.1) is known only in its session: the condition.
                reply.complete(BoshSession.Answer.ok(Bosh.terminate(Condition.ITEM_NOT_FOUND)));
            } else {
                s.request(r, reply, now);
            }
        }
        return reply;
    }

    /** §7.1-§7.2 and XEP-0206 §4: a new session, its stream opened to the served domain. */
    private void create(Bosh.Request r, long address, CompletableFuture<BoshSession.Answer> reply, long now) {
        String to = r.body().attr("to");
        Condition refused = r.rid() < 0 ? Condition.BAD_REQUEST
                : to == null || to.isEmpty() ? Condition.IMPROPER_ADDRESSING
                : !to.equalsIgnoreCase(listener.domain()) ? Condition.HOST_UNKNOWN : null;
        if (refused == null && !listener.admitWeb(address, metrics)) refused = Condition.POLICY_VIOLATION;
        if (refused != null) {
            reply.complete(BoshSession.Answer.ok(Bosh.terminate(refused)));
            return;
        }
        long maxWait = bosh.maxWait().toSeconds();
        long wait = r.seconds("wait") < 0 ? maxWait : Math.min(r.seconds("wait"), maxWait);
        int hold = (int) (r.seconds("hold") < 0 ? 1 : Math.min(r.seconds("hold"), bosh.maxHold()));
        String version = r.xbosh("version");
        String header = new StreamHeader(listener.domain(), r.body().attr("from"), null,
                version == null ? "1.0" : version, r.body().attr("xml:lang"), Namespaces.CLIENT).toOpeningXml();
        byte[] id = new byte[12];
        random.nextBytes(id);
        String sid = tag + HexFormat.of().formatHex(id);
        BoshSession session = new BoshSession(this, sid, r, header, wait, hold, bosh.inactivity().toSeconds(),
                bosh.polling().toSeconds(), bosh.maxPause().toSeconds(), listener.domain(), now);
        var ends = Source.<ByteString>queue(INPUT_QUEUE)
                .via(Flow.fromGraph(listener.webStage(address, metrics)))
                .toMat(Sink.<ByteString>queue().withAttributes(Attributes.inputBuffer(1, 1)), Keep.both())
                .run(materializer);
        sessions.put(sid, session);
        session.attach(ends.first(), ends.second());
        session.start(r, header, reply, now);
        if (LOG.isDebugEnabled()) LOG.debug("bosh-session-created sid={} wait={} hold={}", sid, wait, hold);
    }

    private void sweep() {
        if (sessions.isEmpty()) return;
        long now = System.nanoTime();
        // A throw would end the schedule (Pekko stops a repeated task that throws): each session's is caught.
        sessions.forEach((sid, s) -> {
            try {
                if (s.tick(now)) sessions.remove(sid, s);
            } catch (RuntimeException e) {
                LOG.error("bosh-sweep-failed sid={}", sid, e);
            }
        });
    }

    long maxPauseSeconds() {
        return bosh.maxPause().toSeconds();
    }

    int maxBufferedChars() {
        return bosh.maxBufferedBytes();
    }

    void later(Runnable r) {
        system.executionContext().execute(r);
    }

    /** Sessions open or ended but still answering (for tests). */
    int sessionCount() {
        return sessions.size();
    }
}
