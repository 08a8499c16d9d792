package io.rookery.node.user;

import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xml.Element;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a user entity says to the sessions bound to it, wherever they are in the cluster: the narrow protocol the
 * session implements (io.rookery.node.c2s), so that this package never depends on the session's own.
 */
public final class SessionProtocol {
    private SessionProtocol() {}

    /** Everything a session's mailbox accepts: these, and the session's own local messages. */
    public interface Message {}

    /**
     * A stanza for this session's client. routedAtMicros: when the router took it (epoch microseconds), 0 for what
     * the server itself generated.
     */
    public record Deliver(Element stanza, long routedAtMicros) implements Message, KryoSerializable {
        public Deliver(Element stanza) {
            this(stanza, 0);
        }
    }

    /**
     * A message for a session that keeps its stream after a node loss (XEP-0198, {@code ResourceFlags.KEPT}): the
     * session, not the account, tells confirmTo {@link Handled} with token once the message is kept with the stream,
     * so that an acknowledgement to its sender never counts a message that died with this session's node.
     */
    /**
     * How a session names itself as the writer of a kept stream, and how the account recognises it among its bound
     * sessions: its actor path with address and uid.
     */
    public static String ownerOf(ActorRef<?> session) {
        return org.apache.pekko.serialization.Serialization.serializedActorPath(
                org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(session));
    }

    public record DeliverKept(Element stanza, long routedAtMicros, ActorRef<Message> confirmTo, long token)
            implements Message, KryoSerializable {}

    public enum Kick { RESOURCE_CONFLICT, ACCOUNT_DELETED, SYSTEM_SHUTDOWN }

    /** The user entity (or the node) ends this session. */
    public record Kicked(Kick reason) implements Message, KryoSerializable {}

    /**
     * A copy of one of the account's parts that a module filters stanzas by ({@code ext.StanzaFilter}, such as the
     * XEP-0191 blocklist), sent at bind when not empty and after each change: part is its name, snapshot the part
     * as written into snapshots (null: empty now).
     */
    public record PartMirrored(String part, KryoSerializable snapshot) implements Message, KryoSerializable {}

    /**
     * The user entity processed this session's unbind: nothing more will be delivered to it, so a session whose
     * connection is gone may stop.
     */
    public enum Unbound implements Message, KryoSerializable { INSTANCE }

    /**
     * Whether the account wants the chat messages this session sends (for the modules' STANZA_SENT hook: another
     * resource has carbons on, or a module takes every sent message). A session starts without and tells its
     * account of sent messages only while wanted, so that a message costs no hop to the sender's own entity when
     * nothing there would use it. Sent at bind when wanted, and whenever it changes.
     */
    public enum SentCopies implements Message, KryoSerializable { WANTED, NOT_WANTED }

    /**
     * The recipient's account handled the message this session sent with that token ({@link UserEntity.Deliver}):
     * delivered it and archived it, stored it offline and archived it, or answered it with an error. Its XEP-0198
     * count of handled stanzas may now include it.
     */
    public record Handled(long token) implements Message, KryoSerializable {}

    /**
     * XEP-0198 §5: a new stream of the user (successor, on any node) resumes the session of this SM-ID, its client
     * having handled {@code handled} of the stanzas sent to it. Sent to the session straight when it is on the same
     * node, else through the user's entity ({@link UserEntity.ResumeSession}). Answered with {@link ResumeAnswer}.
     */
    public record TakeOver(Jid user, String smId, long handled, ActorRef<Message> successor,
            ActorRef<ResumeAnswer> replyTo) implements Message, KryoSerializable {}

    /**
     * The answer to {@link TakeOver}: the handover, or a refusal the new stream writes (refusalXml) or ends with
     * (refusalStreamError); all null when no such session exists.
     */
    public record ResumeAnswer(Handover handover, String refusalXml, String refusalStreamError, boolean recover)
            implements KryoSerializable {
        public static final ResumeAnswer NOT_FOUND = new ResumeAnswer(null, null, null, false);
        /**
         * No session holds the resource: the stream is resumed from what it kept in Cassandra, if it kept anything
         * (its node died; XEP-0198 resumption after a node loss).
         */
        public static final ResumeAnswer RECOVER = new ResumeAnswer(null, null, null, true);

        public ResumeAnswer(Handover handover, String refusalXml, String refusalStreamError) {
            this(handover, refusalXml, refusalStreamError, false);
        }
    }

    /**
     * What a resumed session hands to its successor, wherever that is: the stream extension's state as an element
     * ({@code ext.StreamExtension.State#portable}), what to write first (resumed) and send again (replay, in order),
     * the session's presence and flags, the JIDs it sent directed presence to, its copies of the account's filtered
     * parts, and whether the account wants its sent messages. Lists are ArrayLists (Kryo).
     */
    public record Handover(Jid full, Element streamState, String resumed, List<Element> replay, Element ownPresence,
            int resourceFlags, List<Jid> directedTo, List<PartMirrored> mirrored, boolean sentCopies,
            ActorRef<Message> predecessor) implements KryoSerializable {}
}
