package io.rookery.node.c2s;

import io.rookery.node.ext.AccountParts;
import io.rookery.node.ext.PartKey;
import io.rookery.node.ext.StreamExtension;
import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.SessionProtocol.Message;
import io.rookery.node.user.UserEntity;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import io.rookery.protocol.xep.sm.StreamManagement;
import io.rookery.persistence.sm.StreamOutbox;
import java.util.List;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * XEP-0198 §5 on any node. A resumable session whose connection is lost without a closing tag becomes
 * {@link Detached}: still bound, keeping what arrives, until its resumption time is over. A new stream of the same
 * user names it by its SM-ID: on the same node it asks the session straight, elsewhere through the user's entity
 * (the SM-ID carries the resource). The old session hands over what the new one needs
 * ({@link SessionProtocol.Handover}, portable across nodes), becomes {@link HandedOver} and passes on what still
 * reaches it, until the user entity has swapped the two ({@link UserEntity.SwapSession}).
 */
final class Resumption {
    /** How long a session handed over waits for the entity's confirmation before it stops anyway. */
    private static final Duration HANDOVER_TIMEOUT = Duration.ofSeconds(30);

    private Resumption() {}

    /** A detached session waited long enough; a session handed over waited long enough for its entity. */
    enum Expired implements SessionActor.Local { INSTANCE }

    /** The old session's answer (or the entity's, when no session holds the resource) to the new stream. */
    record Answered(SessionProtocol.ResumeAnswer answer, Throwable failure, StreamExtension extension, String id,
            String resource, long handled, int attempt, boolean unreachableAtAsk) implements SessionActor.Local {}

    /**
     * An ask that found no answer while a node of the cluster was unreachable is asked again this many times: the
     * old session, or the user's entity, may be on that node, and once the cluster has downed it the entity answers
     * that the stream is to be recovered from what it kept. Each ask waits rookery.c2s.account-lookup-timeout. (A
     * member unreachable when the ask was sent counts too: the node may have been removed while it waited.)
     */
    private static final int ASKS_WHILE_UNREACHABLE = 3;

    /**
     * What a stream lost with its node kept: its header, the client's count unwrapped, the messages past it, and the
     * sender and id of every message it kept lately (repeats: what senders whose confirmation died with the node
     * route again, which the resumed stream does not deliver twice).
     */
    record Recovery(StreamOutbox.Header header, long acknowledged, List<StreamOutbox.Entry> entries,
            java.util.Set<String> repeats) {}

    /** Messages kept this many seconds before the newest are past any sender's routing again. */
    private static final int REPEAT_WINDOW_SECONDS = 120;
    /** At most this many of them. */
    private static final int REPEAT_LIMIT = 500;

    /** The resumed stream stops looking for repeats (REPEAT_WINDOW_SECONDS after it resumed). */
    enum RepeatsForgotten implements SessionActor.Local { INSTANCE }

    /** The kept stream was read (recovery null: nothing kept under that id). */
    record Recovered(Recovery recovery, Throwable failure, StreamExtension extension, String id, String resource,
            long handled) implements SessionActor.Local {}

    /** The user entity's answer to taking the resource over from the predecessor. */
    record SwapAnswered(UserEntity.BindResult result, Throwable failure) implements SessionActor.Local {}

    // ---- the new stream --------------------------------------------------------------------------------------

    /**
     * Asks the session of that id to hand itself over: on this node straight, else through the user's entity, which
     * passes the request to the session bound to the resource the id names. The stream waits for the answer.
     */
    static Behavior<Message> resume(SessionActor s, StreamExtension x, String id, String resource, long handled) {
        return resume(s, x, id, resource, handled, 1);
    }

    private static Behavior<Message> resume(SessionActor s, StreamExtension x, String id, String resource,
            long handled, int attempt) {
        ActorRef<Message> local = s.services.resumableSession(id);
        boolean unreachable = someMemberUnreachable(s);
        if (s.user == null || (local == null && resource == null)) {
            s.metrics.smResumption("not-found");
            return failed(s, x.resumeFailed());
        }
        Jid bare = s.user;
        ActorRef<Message> self = s.context.getSelf();
        if (local != null) {
            s.context.ask(SessionProtocol.ResumeAnswer.class, local, s.services.accountLookupTimeout(),
                    replyTo -> new SessionProtocol.TakeOver(bare, id, handled, self, replyTo),
                    (answer, failure) -> new Answered(answer, failure, x, id, resource, handled, attempt,
                            unreachable));
        } else {
            s.context.ask(SessionProtocol.ResumeAnswer.class, s.services.router().user(bare),
                    s.services.accountLookupTimeout(),
                    replyTo -> new UserEntity.ResumeSession(resource,
                            new SessionProtocol.TakeOver(bare, id, handled, self, replyTo)),
                    (answer, failure) -> new Answered(answer, failure, x, id, resource, handled, attempt,
                            unreachable));
        }
        return s;
    }

    /** The resumption failed: XEP-0198's {@code <failed/>}, written, or kept for a SASL2 success (inline). */
    private static Behavior<Message> failed(SessionActor s, String xml) {
        Behavior<Message> inline = Sasl2Negotiation.resumeFailed(s, xml);
        if (inline != null) return inline;
        s.send(xml);
        return s.processed();
    }

    private static boolean someMemberUnreachable(SessionActor s) {
        org.apache.pekko.cluster.ClusterEvent.CurrentClusterState state =
                org.apache.pekko.cluster.typed.Cluster.get(s.context.getSystem()).state();
        if (!state.getUnreachable().isEmpty()) return true;
        for (org.apache.pekko.cluster.Member member : state.getMembers()) {
            if (member.status() == org.apache.pekko.cluster.MemberStatus.down()) return true;
        }
        return false;
    }

    /** The old session answered: on success this stream continues it (from {@link AwaitingBind}). */
    static Behavior<Message> answered(SessionActor s, Answered m) {
        SessionProtocol.ResumeAnswer answer = m.answer();
        if (m.failure() != null && m.attempt() < ASKS_WHILE_UNREACHABLE
                && (m.unreachableAtAsk() || someMemberUnreachable(s))) {
            return resume(s, m.extension(), m.id(), m.resource(), m.handled(), m.attempt() + 1);
        }
        if (m.failure() == null && answer != null && answer.recover()) return recover(s, m);
        if (m.failure() != null || answer == null
                || (answer.handover() == null && answer.refusalXml() == null && answer.refusalStreamError() == null)) {
            s.metrics.smResumption("not-found");
            return failed(s, m.extension().resumeFailed());
        }
        if (answer.handover() == null) {
            s.metrics.smResumption("refused");
            if (answer.refusalStreamError() != null) {
                s.sendHeader(null);
                return s.close(answer.refusalStreamError());
            }
            return failed(s, answer.refusalXml());
        }
        SessionProtocol.Handover h = answer.handover();
        s.metrics.smResumption("resumed");
        s.full = h.full();
        s.extension = m.extension().restore(h.streamState());
        s.ownPresence = h.ownPresence();
        s.resourceFlags = h.resourceFlags();
        for (SessionProtocol.PartMirrored part : h.mirrored()) s.mirror(part);
        s.directedTo = h.directedTo().isEmpty() ? null : new HashSet<>(h.directedTo());
        s.sentCopies = h.sentCopies();
        s.services.resumable(s.extension.resumptionId(), s.context.getSelf());
        s.become(Established.INSTANCE);
        s.clock.established = true;
        s.listener.sessionEstablished();
        if (s.services.onlineSessions() != null) s.onlineBucket = (byte) s.services.onlineSessions().bound(s.full);
        // What the predecessor kept for a node loss goes on here; what is sent again is numbered afresh.
        if (s.extension.keptAfterNodeLoss()) KeptStream.begin(s, s.extension.acknowledgedTotal(), false);
        s.control(ConnectionStage.Out.ESTABLISHED);
        if (!Sasl2Negotiation.resumeAnswer(s, h.resumed())) s.send(h.resumed());
        // What the client had not handled is sent again, counted as new.
        for (Element stanza : h.replay()) s.send(stanza);
        Jid full = s.full;
        s.context.ask(UserEntity.BindResult.class, s.services.router().user(s.user), s.services.accountLookupTimeout(),
                r -> new UserEntity.SwapSession(full.resource(), h.predecessor(), s.context.getSelf(), r),
                SwapAnswered::new);
        return s.processed();
    }

    /**
     * A handover that reached a stream no longer waiting for it (closed meanwhile): the resource is unbound for the
     * predecessor and what it owed the client goes back to the account, as when a session ends.
     */
    static void abandon(SessionActor s, SessionProtocol.Handover h) {
        Jid bare = h.full().bare();
        s.services.router().user(bare).tell(new UserEntity.UnbindResource(h.full().resource(), h.predecessor()));
        s.handBack(h.replay(), bare);
    }

    static Behavior<Message> onSwapAnswered(SessionActor s, SwapAnswered m) {
        if (!s.established()) return s;
        if (m.result() instanceof UserEntity.Bound b) {
            s.context.watchWith(b.entity(), SessionActor.EntityStopped.INSTANCE);
            return s;
        }
        if (m.result() instanceof UserEntity.Superseded) return s.streamError(StreamErrorCondition.CONFLICT, null);
        if (m.result() instanceof UserEntity.NoAccount) {
            return s.streamError(StreamErrorCondition.NOT_AUTHORIZED, "account no longer exists");
        }
        return s.streamError(StreamErrorCondition.INTERNAL_SERVER_ERROR, "account unreachable");
    }

    // ---- a stream whose session died with its node -------------------------------------------------------------

    /**
     * No session holds the resource: the stream may have died with its node, having kept itself in Cassandra
     * ({@link KeptStream}). Its header gives the counts, and the messages past the client's count are sent again.
     */
    private static Behavior<Message> recover(SessionActor s, Answered m) {
        StreamOutbox outbox = s.services.streamOutbox();
        if (outbox == null) {
            s.metrics.smResumption("not-found");
            return failed(s, m.extension().resumeFailed());
        }
        String id = m.id();
        long h = m.handled();
        java.util.concurrent.CompletionStage<Recovery> read = outbox.read(id, Long.MAX_VALUE).thenCompose(head -> {
            if (head == null) return java.util.concurrent.CompletableFuture.completedFuture(null);
            long kept = head.header().acknowledged();
            long past = StreamManagement.between(kept & StreamManagement.MAX_COUNT, h);
            // The client acknowledged at least what was kept of its count; far more reads as a count from before it.
            if (past > (StreamManagement.MAX_COUNT >>> 1)) {
                return java.util.concurrent.CompletableFuture.completedFuture(
                        new Recovery(head.header(), -1, List.of(), java.util.Set.of()));
            }
            long acknowledged = kept + past;
            return outbox.read(id, acknowledged).thenCombine(
                    outbox.recent(id, acknowledged, REPEAT_LIMIT, REPEAT_WINDOW_SECONDS),
                    (all, recent) -> all == null ? null : new Recovery(all.header(), acknowledged, all.entries(),
                            repeatKeys(all.entries(), recent)));
        });
        s.context.pipeToSelf(read, (r, failure) -> new Recovered(r, failure, m.extension(), id, m.resource(), h));
        return s;
    }

    private static java.util.Set<String> repeatKeys(List<StreamOutbox.Entry> replay, List<StreamOutbox.Entry> recent) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (List<StreamOutbox.Entry> list : List.of(replay, recent)) {
            for (StreamOutbox.Entry e : list) {
                try {
                    String key = repeatKey(StoredXml.parse(e.stanza()));
                    if (key != null) keys.add(key);
                } catch (IllegalArgumentException bad) {
                    // only sessions write it, from stanzas they had parsed
                }
            }
        }
        return keys;
    }

    /** A message's sender and id, which a copy routed again keeps; null when it has no id. */
    private static String repeatKey(Element message) {
        String id = message.attr("id");
        String from = message.attr("from");
        return id == null || from == null ? null : from + '\n' + id;
    }

    /**
     * A message a stream resumed after its node died kept already (its sender routed it again, the confirmation
     * having died with the node): not delivered twice.
     */
    static boolean repeat(SessionActor s, Element stanza) {
        if (s.repeats == null || !"message".equals(stanza.name())) return false;
        String key = repeatKey(stanza);
        if (key == null || !s.repeats.contains(key)) return false;
        s.metrics.smRepeatDropped();
        return true;
    }

    static Behavior<Message> onRecovered(SessionActor s, Recovered m) {
        Recovery r = m.recovery();
        Jid bare = s.user;
        boolean ours = r != null && bare != null && bare.toString().equals(r.header().jid())
                && m.resource() != null && m.resource().equals(r.header().resource());
        StreamExtension.Outcome recovered = ours && r.acknowledged() >= 0
                ? m.extension().recover(m.id(), r.header().handled(), r.acknowledged()) : null;
        boolean waiting = s.state == AwaitingBind.INSTANCE && s.full == null;
        if (m.failure() != null || recovered == null || !waiting) {
            s.metrics.smResumption("not-found");
            if (m.failure() != null) {
                s.context.getLog().warn("sm-recovery-read-failed jid={} error={}", bare, m.failure().toString());
            }
            // What it kept goes to the account's other resources or offline storage after the resumption time.
            if (ours) {
                s.services.router().user(bare).tell(new UserEntity.SessionLost(m.resource(), null, m.id()));
            }
            if (!waiting) return s;
            return failed(s, m.extension().resumeFailed());
        }
        Jid full;
        try {
            full = bare.withResource(m.resource());
        } catch (io.rookery.protocol.jid.InvalidJidException e) {
            return failed(s, m.extension().resumeFailed());
        }
        List<Element> replay = new ArrayList<>(r.entries().size());
        for (StreamOutbox.Entry e : r.entries()) {
            try {
                replay.add(StoredXml.parse(e.stanza()));
            } catch (IllegalArgumentException bad) {
                // only sessions write it, from stanzas they had parsed
            }
        }
        Element presence = null;
        if (r.header().presence() != null) {
            try {
                presence = StoredXml.parse(r.header().presence());
            } catch (IllegalArgumentException bad) {
                // unavailable, then
            }
        }
        s.metrics.smResumption("recovered");
        s.context.getLog().info("sm-stream-recovered jid={} resource={} replayed={}", full, m.resource(),
                replay.size());
        s.full = full;
        s.extension = recovered.state();
        if (!r.repeats().isEmpty()) {
            s.repeats = r.repeats();
            s.context.scheduleOnce(java.time.Duration.ofSeconds(REPEAT_WINDOW_SECONDS), s.context.getSelf(),
                    RepeatsForgotten.INSTANCE);
        }
        s.ownPresence = presence;
        s.resourceFlags = r.header().flags();
        s.services.resumable(m.id(), s.context.getSelf());
        s.become(Established.INSTANCE);
        s.clock.established = true;
        s.listener.sessionEstablished();
        if (s.services.onlineSessions() != null) s.onlineBucket = (byte) s.services.onlineSessions().bound(full);
        KeptStream.begin(s, r.acknowledged(), false);
        s.control(ConnectionStage.Out.ESTABLISHED);
        if (!Sasl2Negotiation.resumeAnswer(s, recovered.xml())) s.send(recovered.xml());
        for (Element stanza : replay) s.send(stanza);
        // The account takes the resource back with its presence and flags (and sends what arrived meanwhile, from
        // offline storage); the contacts, who saw it go unavailable with the node, see the presence again.
        Element own = presence;
        int flags = s.resourceFlags;
        ActorRef<Message> self = s.context.getSelf();
        s.context.ask(UserEntity.BindResult.class, s.services.router().user(bare), s.services.accountLookupTimeout(),
                reply -> new UserEntity.Reattach(m.resource(), self, own, flags, reply),
                SessionActor.ReattachAnswered::new);
        if (own != null) s.services.router().user(bare).tell(new UserEntity.OwnPresence(m.resource(), own));
        return s.processed();
    }

    // ---- the old session -------------------------------------------------------------------------------------

    /** The connection is gone without a closing tag: a resumable session waits for a new stream. */
    static boolean detach(SessionActor s) {
        if (s.state != Established.INSTANCE || s.extension == null || s.extension.resumptionId() == null) {
            return false;
        }
        s.connectionGone = true;
        s.clock.established = false;
        s.context.scheduleOnce(s.extension.resumptionTimeout(), s.context.getSelf(), Expired.INSTANCE);
        s.become(Detached.INSTANCE);
        // The account learns it, for what waits on detached resources (XEP-0357 push); the resumption tells it again.
        s.services.router().user(s.user).tell(new UserEntity.ResourceDetached(s.full.resource(), s.context.getSelf()));
        return true;
    }

    /** Nobody resumed it in time, or another session took its resource: the session ends as if its stream had. */
    static Behavior<Message> endDetached(SessionActor s) {
        s.leave();
        s.become(Closed.INSTANCE);
        return s.stopWhenDone();
    }

    static Behavior<Message> onExpired(SessionActor s) {
        if (s.state == Detached.INSTANCE) return endDetached(s);
        if (s.state instanceof HandedOver) return Behaviors.stopped();
        return s;
    }

    /**
     * A new stream resumes this session: what it needs moves there, and this actor passes on what still reaches it
     * until the user entity confirms it talks to the successor. A connection still open (the client did not notice
     * it was gone) is closed. The session leaves this node's counts; the successor joins its own.
     */
    static Behavior<Message> onTakeOver(SessionActor s, SessionProtocol.TakeOver t) {
        StreamExtension.State x = s.extension;
        if (!s.established() || x == null || x.resumptionId() == null || !x.resumptionId().equals(t.smId())
                || !t.user().equals(s.user)) {
            t.replyTo().tell(SessionProtocol.ResumeAnswer.NOT_FOUND);
            return s;
        }
        // XEP-0352: what the client's state held back goes with the rest; the new stream starts active.
        ClientStates.detached(s);
        StreamExtension.Resumption r = x.resume(t.handled());
        if (r.replay() == null) {
            t.replyTo().tell(new SessionProtocol.ResumeAnswer(null, r.outcome().xml(), r.outcome().streamError()));
            return s;
        }
        s.services.notResumable(x.resumptionId(), s.context.getSelf());
        t.replyTo().tell(new SessionProtocol.ResumeAnswer(new SessionProtocol.Handover(s.full, x.portable(),
                r.outcome().xml(), new ArrayList<>(r.replay()), s.ownPresence, s.resourceFlags,
                s.directedTo == null ? new ArrayList<>() : new ArrayList<>(s.directedTo), mirrors(s), s.sentCopies,
                s.context.getSelf()), null, null));
        s.listener.sessionEnded();
        if (s.services.onlineSessions() != null) s.services.onlineSessions().unbound(s.full, s.onlineBucket);
        boolean attached = s.state == Established.INSTANCE;
        s.extension = null;
        if (s.kept != null) s.kept.handedOver = true;
        s.full = null;
        s.directedTo = null;
        s.unbinding = true;
        s.become(new HandedOver(t.successor()));
        s.context.scheduleOnce(HANDOVER_TIMEOUT, s.context.getSelf(), Expired.INSTANCE);
        if (attached) {
            s.send("</stream:stream>");
            s.control(ConnectionStage.Out.CLOSE);
            s.clock.closed = true;
        }
        return s.stopWhenDone();
    }

    /** The session's copies of the account's filtered parts, as the entity sends them. */
    private static ArrayList<SessionProtocol.PartMirrored> mirrors(SessionActor s) {
        ArrayList<SessionProtocol.PartMirrored> out = new ArrayList<>();
        if (s.mirrored == null) return out;
        AccountParts parts = s.services.modules().parts();
        for (PartKey<?> key : s.services.modules().mirroredParts()) {
            int i = parts.indexOf(key);
            Object part = i < 0 ? null : s.mirrored[i];
            if (part != null) out.add(new SessionProtocol.PartMirrored(key.name(), parts.part(i).snapshot(part)));
        }
        return out;
    }
}
