package io.rookery.loadtest;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The rooms of the muc scenario and who is in them, shared by the I/O threads. User j of the run (its index minus
 * --first) is occupant slot j % size of room j / size: a room is a block of consecutive users, and consecutive users
 * go to consecutive hosts (--host), so the occupants of a room are spread over every host given, whatever the
 * number of rooms. Besides the room JIDs it keeps two bits per user (online when the joins started, joined) and
 * three ints per room: 10,000 users in 1,000 rooms take about 15 KiB.
 */
final class MucRooms {
    static final int PENDING = 0;
    static final int READY = 1;
    static final int FAILED = 2;

    final int size;
    final int count;
    private final String[] jids;
    /** PENDING until the creator has joined and configured the room (or found it there), then READY or FAILED. */
    private final AtomicIntegerArray state;
    /** Occupants whose self-presence has arrived and who have not left: the fan-out of the room's next message. */
    private final AtomicIntegerArray occupants;
    /** The slot of each room's creator, chosen once the logins are over; -1: nobody online to create it. */
    private final AtomicIntegerArray creator;
    private final AtomicLongArray online;
    private final AtomicLongArray joined;
    private final AtomicInteger unsettled = new AtomicInteger();
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    MucRooms(Options o) {
        this.size = o.roomSize;
        this.count = o.rooms;
        this.jids = new String[count];
        // Lower case as nodeprep makes it, so that the room's 'from' compares equal whatever the server echoes.
        String service = o.mucService.toLowerCase(Locale.ROOT);
        String prefix = o.roomPrefix.toLowerCase(Locale.ROOT);
        for (int r = 0; r < count; r++) jids[r] = prefix + (r + 1) + "@" + service;
        this.state = new AtomicIntegerArray(count);
        this.occupants = new AtomicIntegerArray(count);
        this.creator = new AtomicIntegerArray(count);
        int users = count * size;
        this.online = new AtomicLongArray((users + 63) / 64);
        this.joined = new AtomicLongArray((users + 63) / 64);
    }

    int room(int offset) {
        return offset / size;
    }

    int slot(int offset) {
        return offset % size;
    }

    /** The room's bare JID, lower case. */
    String jid(int room) {
        return jids[room];
    }

    /** Whether a JID is the room's bare JID or an occupant JID of it. */
    boolean isFrom(int room, String from) {
        String jid = jids[room];
        return from != null && from.regionMatches(true, 0, jid, 0, jid.length())
                && (from.length() == jid.length() || from.charAt(jid.length()) == '/');
    }

    // ---- creation: the first user online of each room creates it --------------------------------------------

    /** The user was online when the joins started (from its I/O thread, before {@link #chooseCreators}). */
    void markOnline(int offset) {
        set(online, offset);
    }

    /**
     * Once every loop has marked its online users: each room's creator is its lowest slot online; a room with
     * nobody online fails at once. Returns the rooms that have a creator.
     */
    int chooseCreators() {
        int n = 0;
        for (int r = 0; r < count; r++) {
            int c = -1;
            for (int s = 0; s < size && c < 0; s++) {
                if (contains(online, r * size + s)) c = s;
            }
            creator.set(r, c);
            if (c >= 0) {
                n++;
            } else {
                state.set(r, FAILED);
                failed.incrementAndGet();
            }
        }
        unsettled.set(n);
        return n;
    }

    boolean isCreator(int offset) {
        return creator.get(room(offset)) == slot(offset);
    }

    int state(int room) {
        return state.get(room);
    }

    /** The creator has configured the room, or found it there; false when it was settled already. */
    boolean ready(int room) {
        if (!state.compareAndSet(room, PENDING, READY)) return false;
        ready.incrementAndGet();
        unsettled.decrementAndGet();
        return true;
    }

    /** The room could not be created; its other users will not join. False when it was settled already. */
    boolean fail(int room) {
        if (!state.compareAndSet(room, PENDING, FAILED)) return false;
        failed.incrementAndGet();
        unsettled.decrementAndGet();
        return true;
    }

    /** Rooms still waiting for their creator. */
    int unsettled() {
        return unsettled.get();
    }

    /** Fails every room still pending (its creator ran out of time); returns how many. */
    int failPending() {
        int n = 0;
        for (int r = 0; r < count; r++) {
            if (fail(r)) n++;
        }
        return n;
    }

    int readyCount() {
        return ready.get();
    }

    int failedCount() {
        return failed.get();
    }

    // ---- occupants ---------------------------------------------------------------------------------------------

    /** The user's self-presence arrived: it is an occupant and receives the room's messages from now on. */
    void joined(int offset) {
        if (set(joined, offset)) occupants.incrementAndGet(room(offset));
    }

    /** The user is no longer an occupant (its session ended, or the room removed it). */
    void left(int offset) {
        if (clear(joined, offset)) occupants.decrementAndGet(room(offset));
    }

    boolean isJoined(int offset) {
        return contains(joined, offset);
    }

    int occupants(int room) {
        return occupants.get(room);
    }

    /**
     * The slot that sends the room's k-th message: occupants take turns (k mod size), skipping those not in the
     * room; -1 when the room has none. Every I/O thread computes the same answer, so each message has one sender.
     */
    int sender(int room, long k) {
        if (occupants.get(room) == 0) return -1;
        int start = (int) (k % size);
        for (int i = 0; i < size; i++) {
            int s = start + i < size ? start + i : start + i - size;
            if (contains(joined, room * size + s)) return s;
        }
        return -1;
    }

    private static boolean set(AtomicLongArray words, int p) {
        long bit = 1L << (p & 63);
        while (true) {
            long old = words.get(p >>> 6);
            if ((old & bit) != 0) return false;
            if (words.compareAndSet(p >>> 6, old, old | bit)) return true;
        }
    }

    private static boolean clear(AtomicLongArray words, int p) {
        long bit = 1L << (p & 63);
        while (true) {
            long old = words.get(p >>> 6);
            if ((old & bit) == 0) return false;
            if (words.compareAndSet(p >>> 6, old, old & ~bit)) return true;
        }
    }

    private static boolean contains(AtomicLongArray words, int p) {
        return (words.get(p >>> 6) & (1L << (p & 63))) != 0;
    }
}
