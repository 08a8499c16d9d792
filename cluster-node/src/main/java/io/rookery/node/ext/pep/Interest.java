package io.rookery.node.ext.pep;

import io.rookery.protocol.xep.pubsub.PubSub;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this node knows of XEP-0115 capability hashes: for each verification string, the nodes whose notifications
 * a client with it asked for (its {@code +notify} features, XEP-0163 §4). Shared by every account on the node:
 * clients of one release share a hash, so one answer serves them all. Bounded: the least recently used hashes go
 * first. A hash is asked about once per {@code caps-query-timeout}, whoever presents it.
 */
final class Interest {
    private final int capacity;
    private final long retryNanos;
    private final Map<String, Set<String>> known;
    private final ConcurrentHashMap<String, Long> asked = new ConcurrentHashMap<>();

    Interest(int capacity, java.time.Duration retry) {
        this.capacity = capacity;
        this.retryNanos = retry.toNanos();
        this.known = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
                return size() > Interest.this.capacity;
            }
        };
    }

    /** The nodes a client with this hash asked notifications for; null while the hash is not known. */
    synchronized Set<String> notify(String ver) {
        return known.get(ver);
    }

    /** Whether to ask a client about this hash now: nobody asked within the retry time. */
    boolean ask(String ver, long nowNanos) {
        if (asked.size() > capacity) asked.clear();
        Long before = asked.get(ver);
        if (before != null && nowNanos - before < retryNanos) return false;
        return before == null ? asked.putIfAbsent(ver, nowNanos) == null : asked.replace(ver, before, nowNanos);
    }

    /** A client's verified disco#info features for this hash. */
    void learned(String ver, List<String> features) {
        Set<String> nodes = new HashSet<>();
        for (String f : features) {
            if (f.endsWith(PubSub.NOTIFY_SUFFIX) && f.length() > PubSub.NOTIFY_SUFFIX.length()) {
                nodes.add(f.substring(0, f.length() - PubSub.NOTIFY_SUFFIX.length()));
            }
        }
        synchronized (this) {
            known.put(ver, Set.copyOf(nodes));
        }
        asked.remove(ver);
    }

    synchronized int size() {
        return known.size();
    }
}
