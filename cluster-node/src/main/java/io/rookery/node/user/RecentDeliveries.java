package io.rookery.node.user;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * XEP-0198 ack-when-stored: the copies routed again that this account handled lately, by the sender's session and
 * token. A sender whose confirmation did not come in time (it died with a node, or waited in a shard being moved)
 * routes the message again, up to three times; a later copy that arrives after an earlier one was handled is not
 * delivered twice. Only copies routed again are remembered, for {@link #WINDOW_NANOS} (past a sender's last
 * attempt), so an account costs nothing here while no node fails. A first copy handled and then routed again is not
 * caught here: a stream resumed after its node died drops those it kept (Resumption's repeats); elsewhere it may
 * arrive twice.
 */
final class RecentDeliveries {
    /** Longer than a sender routes a message again (three attempts, ack-when-stored-timeout apart, at most 10 min). */
    static final long WINDOW_NANOS = 120_000_000_000L;

    /** When it was handled, and the session that confirms it once kept (null: the account confirmed it). */
    record Handled(long atNanos, ActorRef<SessionProtocol.Message> confirmedBy) {}

    private record Key(ActorRef<SessionProtocol.Message> sender, long token) {}

    private LinkedHashMap<Key, Handled> recent;

    /** How the copy from that sender with that token was handled, if it was lately. */
    Handled seen(ActorRef<SessionProtocol.Message> sender, long token, long now) {
        if (recent == null) return null;
        prune(now);
        return recent.get(new Key(sender, token));
    }

    /** The message was handled: confirmed by the account (confirmedBy null) or given to a session that confirms it. */
    void handled(ActorRef<SessionProtocol.Message> sender, long token, ActorRef<SessionProtocol.Message> confirmedBy,
            long now) {
        if (recent != null) prune(now);
        if (recent == null) recent = new LinkedHashMap<>();
        recent.put(new Key(sender, token), new Handled(now, confirmedBy));
    }

    private void prune(long now) {
        Iterator<Map.Entry<Key, Handled>> it = recent.entrySet().iterator();
        while (it.hasNext()) {
            if (now - it.next().getValue().atNanos() <= WINDOW_NANOS) break;
            it.remove();
        }
        if (recent.isEmpty()) recent = null;
    }

    boolean isEmpty() {
        return recent == null;
    }
}
