package io.rookery.node.ext.register;

import io.rookery.node.ext.UnauthenticatedStream;
import io.rookery.node.limits.AddressKey;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How many accounts were registered, per client address and on the node, each within a fixed window that starts
 * with its first registration (XEP-0205 §3 counts open registration among what a server should be able to limit).
 * A request takes its place in both counts before the account is created and gives it back if none was (a taken
 * name, a failure), so that parallel requests cannot slip past a limit, and a user who picks a taken name is not
 * charged for it. Node-wide state only: windows of addresses that registered recently, dropped as they expire, and
 * at most {@link #MAX_ADDRESSES} of them (past that the oldest windows end early).
 */
final class RegistrationLimits {
    /** Why a registration was refused, and the label of its count. */
    enum Refusal {
        /** The connection registered as many accounts as it may (XEP-0077 §3.1.1). */
        STREAM("stream"),
        ADDRESS("address"),
        NODE("node");

        final String label;

        Refusal(String label) {
            this.label = label;
        }
    }

    static final int MAX_ADDRESSES = 100_000;

    private static final class Window {
        final long start;
        int count;

        Window(long start) {
            this.start = start;
        }
    }

    /** A place taken in the counts, or the refusal when none was. */
    final class Reservation {
        final Refusal refusal;
        private Window address;
        private Window node;

        private Reservation(Refusal refusal) {
            this.refusal = refusal;
        }

        /** No account was created after all: the place is given back. */
        void release() {
            synchronized (RegistrationLimits.this) {
                if (address != null) address.count--;
                if (node != null) node.count--;
                address = null;
                node = null;
            }
        }
    }

    private final RegisterSettings settings;
    private final LongSupplier nowMillis;
    private final long addressWindowMillis;
    private final long nodeWindowMillis;
    /** In order of their windows' starts: a window that starts again is put at the end. */
    private final LinkedHashMap<Long, Window> addresses = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Window> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };
    private Window node;

    RegistrationLimits(RegisterSettings settings, LongSupplier nowMillis) {
        this.settings = settings;
        this.nowMillis = nowMillis;
        this.addressWindowMillis = settings.addressWindow().toMillis();
        this.nodeWindowMillis = settings.nodeWindow().toMillis();
    }

    RegisterSettings settings() {
        return settings;
    }

    /** Takes a place for one registration over this connection, or says which limit it is past. */
    synchronized Reservation reserve(UnauthenticatedStream stream) {
        long address = stream == null ? AddressKey.UNKNOWN : stream.address();
        if (stream != null && stream.registrations() >= settings.maxPerStream()) return new Reservation(Refusal.STREAM);
        long now = nowMillis.getAsLong();
        expire(now);
        Window a = null;
        if (settings.maxPerAddress() > 0 && address != AddressKey.UNKNOWN) {
            a = addresses.get(address);
            if (a != null && a.count >= settings.maxPerAddress()) return new Reservation(Refusal.ADDRESS);
        }
        if (settings.maxPerNode() > 0) {
            if (node == null || now - node.start >= nodeWindowMillis) node = new Window(now);
            if (node.count >= settings.maxPerNode()) return new Reservation(Refusal.NODE);
        }
        Reservation r = new Reservation(null);
        if (settings.maxPerAddress() > 0 && address != AddressKey.UNKNOWN) {
            if (a == null) {
                a = new Window(now);
                addresses.put(address, a);
            }
            a.count++;
            r.address = a;
        }
        if (settings.maxPerNode() > 0) {
            node.count++;
            r.node = node;
        }
        return r;
    }

    /** Addresses whose window is still open. */
    synchronized int addresses() {
        expire(nowMillis.getAsLong());
        return addresses.size();
    }

    private void expire(long now) {
        for (Iterator<Window> i = addresses.values().iterator(); i.hasNext(); ) {
            if (now - i.next().start < addressWindowMillis) return;
            i.remove();
        }
    }
}
