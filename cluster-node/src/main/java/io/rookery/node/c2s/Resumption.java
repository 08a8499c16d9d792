package io.rookery.node.c2s;

import io.rookery.node.ext.StreamExtension;
import io.rookery.node.user.SessionProtocol.Message;
import io.rookery.node.user.UserEntity;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.xml.Element;
import java.time.Duration;
import java.util.Set;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * XEP-0198 §5 on the node that holds the session. A resumable session whose connection is lost without a closing tag
 * becomes {@link Detached}: still bound, keeping what arrives, until its resumption time is over. A new stream of the
 * same user on this node names it by its SM-ID; the old session hands over what the new one needs (the stream
 * extension's state moves as it is: same node, same JVM), becomes {@link HandedOver} and passes on what still
 * reaches it, until the user entity has swapped the two ({@link UserEntity.SwapSession}).
 */
final class Resumption {
    /** How long a session handed over waits for the entity's confirmation before it stops anyway. */
    private static final Duration HANDOVER_TIMEOUT = Duration.ofSeconds(30);

    private Resumption() {}

    /** A detached session waited long enough; a session handed over waited long enough for its entity. */
    enum Expired implements SessionActor.Local { INSTANCE }

    /** A new stream of this user on this node resumes this session; successor: its session. */
    record TakeOver(Jid user, long handled, ActorRef<Message> successor, ActorRef<Answer> replyTo)
            implements SessionActor.Local {}

    /** What a session hands to the one resuming it. */
    record Handover(Jid full, StreamExtension.State extension, StreamExtension.Resumption resumption,
            Element ownPresence, int resourceFlags, Object[] mirrored, Set<Jid> directedTo, boolean sentCopies,
            byte onlineBucket, ActorRef<Message> predecessor) {}

    /** The answer to {@link TakeOver}: a handover, or a refusal (null: the failure the module writes). */
    record Answer(Handover handover, StreamExtension.Outcome refusal) implements NoSerializationVerificationNeeded {}

    record Answered(Answer answer, Throwable failure, String failedXml) implements SessionActor.Local {}

    /** The user entity's answer to taking the resource over from the predecessor. */
    record SwapAnswered(UserEntity.BindResult result, Throwable failure) implements SessionActor.Local {}

    // ---- the new stream --------------------------------------------------------------------------------------

    /** Asks the session of that id on this node to hand itself over; the stream waits for the answer. */
    static Behavior<Message> resume(SessionActor s, StreamExtension x, String id, long handled) {
        ActorRef<Message> previous = s.services.resumableSession(id);
        String failed = x.resumeFailed();
        if (previous == null || s.user == null) {
            s.metrics.smResumption("not-found");
            s.send(failed);
            return s.processed();
        }
        Jid bare = s.user;
        s.context.ask(Answer.class, previous, s.services.accountLookupTimeout(),
                replyTo -> new TakeOver(bare, handled, s.context.getSelf(), replyTo),
                (answer, failure) -> new Answered(answer, failure, failed));
        return s;
    }

    /** The old session answered: on success this stream continues it (from {@link AwaitingBind}). */
    static Behavior<Message> answered(SessionActor s, Answered m) {
        Answer answer = m.answer();
        if (m.failure() != null || answer == null || (answer.handover() == null && answer.refusal() == null)) {
            s.metrics.smResumption("not-found");
            s.send(m.failedXml());
            return s.processed();
        }
        if (answer.handover() == null) {
            s.metrics.smResumption("refused");
            if (answer.refusal().streamError() != null) {
                s.sendHeader(null);
                return s.close(answer.refusal().streamError());
            }
            s.send(answer.refusal().xml());
            return s.processed();
        }
        Handover h = answer.handover();
        s.metrics.smResumption("resumed");
        s.full = h.full();
        s.extension = h.extension();
        s.ownPresence = h.ownPresence();
        s.resourceFlags = h.resourceFlags();
        s.mirrored = h.mirrored();
        s.directedTo = h.directedTo();
        s.sentCopies = h.sentCopies();
        s.onlineBucket = h.onlineBucket();
        s.services.resumable(s.extension.resumptionId(), s.context.getSelf());
        s.become(Established.INSTANCE);
        s.clock.established = true;
        s.control(ConnectionStage.Out.ESTABLISHED);
        s.send(h.resumption().outcome().xml());
        // What the client had not handled is sent again, counted as new.
        for (Element stanza : h.resumption().replay()) s.send(stanza);
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
    static void abandon(SessionActor s, Handover h) {
        s.services.notResumable(h.extension().resumptionId(), s.context.getSelf());
        Jid bare = h.full().bare();
        s.services.router().user(bare).tell(new UserEntity.UnbindResource(h.full().resource(), h.predecessor()));
        s.handBack(h.resumption().replay(), bare);
        s.listener.sessionEnded();
        if (s.services.onlineSessions() != null) s.services.onlineSessions().unbound(h.full(), h.onlineBucket());
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
     * it was gone) is closed.
     */
    static Behavior<Message> onTakeOver(SessionActor s, TakeOver t) {
        StreamExtension.State x = s.extension;
        if (!s.established() || x == null || x.resumptionId() == null || !t.user().equals(s.user)) {
            t.replyTo().tell(new Answer(null, null));
            return s;
        }
        StreamExtension.Resumption r = x.resume(t.handled());
        if (r.replay() == null) {
            t.replyTo().tell(new Answer(null, r.outcome()));
            return s;
        }
        s.services.notResumable(x.resumptionId(), s.context.getSelf());
        t.replyTo().tell(new Answer(new Handover(s.full, x, r, s.ownPresence, s.resourceFlags, s.mirrored,
                s.directedTo, s.sentCopies, s.onlineBucket, s.context.getSelf()), null));
        boolean attached = s.state == Established.INSTANCE;
        s.extension = null;
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
}
