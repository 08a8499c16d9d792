package io.rookery.node.user;

import io.rookery.persistence.sm.StreamOutbox;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * XEP-0198 streams of this user whose sessions died with their node, kept in Cassandra ({@link StreamOutbox}). Each
 * waits the resumption time for a new stream to resume it (on any node, from what it kept); when none did, the
 * messages its client had not acknowledged go back to the account as if the session had handed them back: to the
 * resource if it is bound again, else to another resource or offline storage, under the ids they had. A stream
 * whose resource a fresh session bound meanwhile is not waited for. Only lost streams cost anything here: one timer
 * each while they wait.
 */
final class LostStreams {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LostStreams.class);
    /**
     * A read of a lost stream that failed (Cassandra slow or away) is tried again after this, not after another
     * resumption time: a node's death is when Cassandra is busiest (the chaos run saw reads time out then, and the
     * messages they held waited five more minutes). While Cassandra fails, each lost stream costs a read this often.
     */
    static final Duration READ_RETRY = Duration.ofSeconds(5);

    private final ActorContext<UserEntity.Command> context;
    private final TimerScheduler<UserEntity.Command> timers;
    private final Supplier<StreamOutbox> store;
    private final Duration wait;
    private final Jid jid;
    private final io.rookery.node.metrics.NodeMetrics metrics;
    /** Resource to the SM-ID of its lost stream, while it waits to be resumed; null when none. */
    private Map<String, String> waiting;
    /** Resources whose lost stream is being read and handed back. */
    private Set<String> flushing;

    LostStreams(ActorContext<UserEntity.Command> context, TimerScheduler<UserEntity.Command> timers,
            Supplier<StreamOutbox> store, Duration wait, Jid jid, io.rookery.node.metrics.NodeMetrics metrics) {
        this.context = context;
        this.timers = timers;
        this.store = store;
        this.wait = wait;
        this.jid = jid;
        this.metrics = metrics;
    }

    boolean isEmpty() {
        return (waiting == null || waiting.isEmpty()) && (flushing == null || flushing.isEmpty());
    }

    /** A new stream may not resume the resource's lost stream while its messages are being handed back. */
    boolean flushing(String resource) {
        return flushing != null && flushing.contains(resource);
    }

    /** The stream of that resource's session is lost: flushed unless resumed within the resumption time. */
    void lost(String resource, String smId) {
        if (store.get() == null) return;
        if (waiting == null) waiting = new HashMap<>(2);
        waiting.put(resource, smId);
        timers.startSingleTimer(key(resource), new UserEntity.LostStreamDue(resource, smId), wait);
    }

    /**
     * A fresh session bound the resource: a lost stream waiting for its resumption will not be resumed by that
     * client, and what it kept goes to the new session now rather than after the resumption time (as when the
     * survivors report the stream lost after the fresh bind).
     */
    void boundAfresh(String resource) {
        String smId = waiting == null ? null : waiting.get(resource);
        if (smId != null) flush(resource, smId);
    }

    /** A new stream resumes the resource: what it kept no longer waits to be flushed. */
    void resuming(String resource) {
        if (waiting != null && waiting.remove(resource) != null) timers.cancel(key(resource));
    }

    void due(UserEntity.LostStreamDue d) {
        if (waiting == null || !d.smId().equals(waiting.get(d.resource()))) return;
        waiting.remove(d.resource());
        flush(d.resource(), d.smId());
    }

    /** Hands the lost stream's unacknowledged messages back, unless a live session writes the stream now. */
    void flush(String resource, String smId) {
        StreamOutbox outbox = store.get();
        if (outbox == null) return;
        resuming(resource);
        if (flushing == null) flushing = new HashSet<>(2);
        flushing.add(resource);
        context.pipeToSelf(outbox.read(smId, Long.MAX_VALUE), (s, f) -> new UserEntity.LostStreamRead(resource, smId, s, f, false));
    }

    /** bound: the session bound to the resource now, or null. */
    void read(UserEntity.LostStreamRead r, ActorRef<SessionProtocol.Message> bound) {
        if (r.failure() != null) {
            context.getLog().warn("lost-stream-read-failed jid={} resource={} error={}", jid, r.resource(),
                    r.failure().toString());
            flushing.remove(r.resource());
            if (waiting == null) waiting = new HashMap<>(2);
            waiting.put(r.resource(), r.smId());
            timers.startSingleTimer(key(r.resource()), new UserEntity.LostStreamDue(r.resource(), r.smId()),
                    READ_RETRY);
            return;
        }
        StreamOutbox.Stream stream = r.stream();
        if (stream == null || !jid.toString().equals(stream.header().jid())) {
            flushing.remove(r.resource()); // nothing kept (or not this user's)
            return;
        }
        if (!r.entries()) {
            if (bound != null && SessionProtocol.ownerOf(bound).equals(stream.header().owner())) {
                flushing.remove(r.resource()); // resumed: the session bound now writes it
                return;
            }
            context.pipeToSelf(store.get().read(r.smId(), stream.header().acknowledged()),
                    (s, f) -> new UserEntity.LostStreamRead(r.resource(), r.smId(), s, f, true));
            return;
        }
        Jid full;
        try {
            full = jid.withResource(stream.header().resource());
        } catch (io.rookery.protocol.jid.InvalidJidException bad) {
            full = jid;
        }
        int count = 0;
        for (StreamOutbox.Entry e : stream.entries()) {
            Element message;
            try {
                message = StoredXml.parse(e.stanza());
            } catch (IllegalArgumentException bad) {
                continue; // only sessions write it, from stanzas they had parsed
            }
            context.getSelf().tell(UserEntity.Deliver.handedBack(message, full));
            count++;
        }
        context.getSelf().tell(new UserEntity.LostStreamFlushed(r.resource(), r.smId(), count));
    }

    void flushed(UserEntity.LostStreamFlushed f) {
        if (flushing != null) flushing.remove(f.resource());
        context.getLog().info("lost-stream-flushed jid={} resource={} messages={}", jid, f.resource(), f.messages());
        metrics.smLostStreamFlushed(f.messages());
        store.get().delete(f.smId()).whenComplete((v, failure) -> {
            // The rows expire with their TTL all the same; a stream flushed twice hands back what it kept twice.
            if (failure != null) LOG.warn("lost-stream-delete-failed jid={} error={}", jid, failure.toString());
        });
    }

    private static String key(String resource) {
        return "lost-stream:" + resource;
    }
}
