package io.rookery.node.c2s;

import io.rookery.node.limits.AddressKey;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many connections of each client address have not completed SASL, node-wide, and the cap on them (XEP-0205
 * §4.1, as RFC 6120 §13.12 recommends; only connections still negotiating count, so that many users behind one
 * address are not limited once logged in). A slot is taken when a connection is
 * accepted and given back when it authenticates or closes, whichever comes first. Each address with at least one
 * such connection is one entry, so the map is never larger than the connections being negotiated; an
 * authenticated session keeps nothing here.
 */
final class UnauthenticatedConnections {
    private final int max;
    private final ConcurrentHashMap<Long, Integer> counts = new ConcurrentHashMap<>();

    /** max: connections per address that may negotiate at once; 0: no cap (counted all the same). */
    UnauthenticatedConnections(int max) {
        this.max = max;
    }

    int max() {
        return max;
    }

    /** Takes a slot for a new connection from this address; false when the address has all of its slots. */
    boolean tryAcquire(long address) {
        if (address == AddressKey.UNKNOWN) return true;
        boolean[] taken = {false};
        counts.compute(address, (k, n) -> {
            int held = n == null ? 0 : n;
            if (max > 0 && held >= max) return n;
            taken[0] = true;
            return held + 1;
        });
        return taken[0];
    }

    /** Gives back the slot of a connection that authenticated or closed. */
    void release(long address) {
        if (address == AddressKey.UNKNOWN) return;
        counts.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Connections of this address not yet authenticated. */
    int count(long address) {
        Integer n = counts.get(address);
        return n == null ? 0 : n;
    }

    /** Addresses with at least one such connection. */
    int addresses() {
        return counts.size();
    }
}
