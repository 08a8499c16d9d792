package io.rookery.node.ext.proxy65;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.ActorRef;

/**
 * The node's SOCKS5 connections by the address they asked for (XEP-0065 §5.3.2's hash): at most two per address,
 * joined when the stream's requester activates it. Shared by the listener's stages and the service, on any thread.
 */
final class Pairings {
    /** Tells a stage which stage it relays to. */
    record Peer(ActorRef stage) {}

    private final Map<String, List<ActorRef>> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final int maxConnections;

    Pairings(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    /** A connection opened: false when the listener holds max-connections already (it is closed then). */
    boolean opened() {
        if (connections.incrementAndGet() <= maxConnections) return true;
        connections.decrementAndGet();
        return false;
    }

    void closed() {
        connections.decrementAndGet();
    }

    int open() {
        return connections.get();
    }

    /** A connection asked for this address; false when two have already (the third is refused). */
    boolean register(String address, ActorRef stage) {
        boolean[] added = new boolean[1];
        waiting.compute(address, (k, list) -> {
            List<ActorRef> l = list == null ? new ArrayList<>(2) : list;
            if (l.size() < 2 && !l.contains(stage)) {
                l.add(stage);
                added[0] = true;
            }
            return l;
        });
        return added[0];
    }

    /** The connection is gone or timed out before it was joined. */
    void remove(String address, ActorRef stage) {
        waiting.computeIfPresent(address, (k, list) -> {
            list.remove(stage);
            return list.isEmpty() ? null : list;
        });
    }

    /** §6.3.3: joins the two connections of the address; false when fewer than two are waiting. */
    boolean activate(String address) {
        List<List<ActorRef>> joined = new ArrayList<>(1);
        waiting.computeIfPresent(address, (k, list) -> {
            if (list.size() < 2) return list;
            joined.add(list);
            return null;
        });
        if (joined.isEmpty()) return false;
        ActorRef a = joined.get(0).get(0);
        ActorRef b = joined.get(0).get(1);
        a.tell(new Peer(b), ActorRef.noSender());
        b.tell(new Peer(a), ActorRef.noSender());
        return true;
    }
}
