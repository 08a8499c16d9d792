package io.rookery.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One I/O thread: a Selector over its sessions, the read buffer they all share, and the pacing of its share of
 * logins and messages. Everything a session does runs here; other threads hand work over with {@link #execute}.
 */
final class IoLoop implements Runnable {
    /** What a selection key of this loop is attached to: a session's connection, or one of a BOSH session's links. */
    abstract static class Selectable {
        abstract void onConnectable();

        abstract void onWritable();

        abstract void onReadable();

        /** Ends the session, counting a failure of this kind. */
        abstract void fail(String kind, String detail);
    }

    /** One read fills at most this much; a session keeps nothing of it once the read is handled. */
    static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** Upper bound of operations of one kind per tick, so a late loop catches up without starving reads. */
    private static final int MAX_PER_TICK = 2_000;

    final Engine engine;
    final Options options;
    final Metrics metrics;
    final Selector selector;
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    /** The parser and the TLS codec take arrays: each read is copied here from the direct buffer. */
    final byte[] scratch = new byte[READ_BUFFER_BYTES];
    final StringBuilder text = new StringBuilder(512);
    final SplittableRandom random;
    final long loginTimeoutNanos;

    private final int index;
    private final int loopCount;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayList<Session> sessions = new ArrayList<>();
    private final ArrayList<Session> online = new ArrayList<>();
    /** BOSH sessions closed, whose terminate request is still out (at most {@link Connection#LINGER_NANOS}). */
    private final ArrayList<Connection> lingering = new ArrayList<>(0);
    private volatile boolean running = true;
    private long nextSweep;

    /** --reconnect=on: users whose session the server dropped, by when they connect again. */
    private record Reconnect(long due, int user, SmStream stream) {}
    private final java.util.PriorityQueue<Reconnect> reconnects =
            new java.util.PriorityQueue<>((a, b) -> Long.compare(a.due, b.due));
    /** The run is closing: dropped sessions no longer connect again. */
    private boolean closing;

    /** --check-archive: sessions waiting to read their archive, and how many read now (at most ARCHIVE_READERS). */
    private static final int ARCHIVE_READERS = 8;
    private final java.util.ArrayDeque<Session> archiveQueue = new java.util.ArrayDeque<>();
    private int archiveReading;

    // Logins: this loop's users are first + index, first + index + loopCount, ...
    private final int userShare;
    private final int concurrencyShare;
    private int usersStarted;
    private int inFlight;
    private Pacer loginPacer;

    // Chat and presence-churn
    private Pacer sendPacer;
    private String[] targets;
    private long localSeq;

    // muc: this loop's sessions by position (user offset / loopCount), the joins waiting for their turn (at most
    // concurrencyShare in flight), and the global schedule of groupchat messages (each loop sends those whose
    // sender is one of its sessions).
    private final Session[] byPosition;
    private final java.util.ArrayDeque<MucSession> joinQueue = new java.util.ArrayDeque<>();
    private int joinsInFlight;
    private Pacer mucPacer;
    /** Added to the schedule's message numbers: each window numbers its messages apart from the others'. */
    private long mucSeqBase;

    // Roster setup: subscription requests sent and not yet seen answered, at most concurrencyShare.
    private boolean subscribing;
    private int subscribeOutstanding;
    private int subscribePos;
    private final byte[] nonceBytes = new byte[18];

    IoLoop(int index, int loopCount, Engine engine) throws IOException {
        this.index = index;
        this.loopCount = loopCount;
        this.engine = engine;
        this.options = engine.options;
        this.metrics = engine.metrics;
        this.selector = Selector.open();
        this.random = new SplittableRandom(System.nanoTime() ^ ((long) index << 32));
        this.userShare = options.users > index ? (options.users - index - 1) / loopCount + 1 : 0;
        this.concurrencyShare = Math.max(1, (options.concurrency + loopCount - 1) / loopCount);
        this.loginTimeoutNanos = options.loginTimeout.toNanos();
        this.byPosition = engine.rooms != null ? new Session[userShare] : null;
    }

    /** Runs r on this loop's thread. */
    void execute(Runnable r) {
        tasks.add(r);
        selector.wakeup();
    }

    void stop() {
        running = false;
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            // Stopped, it still runs until the BOSH sessions closed last have been answered (or given up on).
            while (running || !lingering.isEmpty()) {
                boolean paced = loginPacer != null || sendPacer != null || subscribing || !archiveQueue.isEmpty()
                        || mucPacer != null || !joinQueue.isEmpty();
                selector.select(paced ? 1 : reconnects.isEmpty() ? 50 : 10);
                try {
                    handleKeys();
                    runTasks();
                    tick(System.nanoTime());
                } catch (RuntimeException e) {
                    // Never let one bad step stop the thread: the controller waits on tasks it runs.
                    metrics.clientError(e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("selector failed", e);
        } finally {
            for (Session s : new ArrayList<>(sessions)) s.abort();
            for (Connection c : lingering) c.stopLingering();
            lingering.clear();
            runTasks(); // nobody waits forever on a task handed over while we stopped
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void handleKeys() {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            Selectable s = (Selectable) key.attachment();
            try {
                if (key.isValid() && key.isConnectable()) s.onConnectable();
                if (key.isValid() && key.isWritable()) s.onWritable();
                if (key.isValid() && key.isReadable()) s.onReadable();
            } catch (RuntimeException e) {
                // A bug in the client, or a server reply it cannot handle: that session fails, the rest go on.
                s.fail("client-error:" + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
            }
        }
    }

    private void runTasks() {
        Runnable r;
        while ((r = tasks.poll()) != null) r.run();
    }

    private void tick(long now) {
        if (loginPacer != null) startDueLogins(now);
        if (sendPacer != null) sendDueMessages(now);
        if (subscribing) sendSubscriptions();
        while (joinsInFlight < concurrencyShare && !joinQueue.isEmpty()) {
            if (joinQueue.poll().join()) joinsInFlight++;
        }
        if (mucPacer != null) sendDueGroupchat(now);
        while (archiveReading < ARCHIVE_READERS && !archiveQueue.isEmpty()) {
            Session s = archiveQueue.poll();
            if (s.queryArchive(null)) {
                archiveReading++;
            } else {
                metrics.archiveFailed.increment();
                metrics.stepFailed("archive:session-ended", null);
            }
        }
        while (!reconnects.isEmpty() && reconnects.peek().due - now <= 0) {
            Reconnect r = reconnects.poll();
            Session s = new Session(this, r.user, r.stream);
            s.slot = sessions.size();
            sessions.add(s);
            s.connect(now);
        }
        for (int i = lingering.size() - 1; i >= 0; i--) {
            if (lingering.get(i).lingerOver(now)) {
                Connection last = lingering.remove(lingering.size() - 1);
                if (i < lingering.size()) lingering.set(i, last);
            }
        }
        if (now - nextSweep >= 0) {
            nextSweep = now + SWEEP_NANOS;
            for (int i = sessions.size() - 1; i >= 0; i--) {
                if (i < sessions.size()) sessions.get(i).sweep(now);
            }
        }
    }

    void startLogins(long startNanos, double perSecond) {
        loginPacer = usersStarted < userShare ? new Pacer(startNanos, perSecond) : null;
    }

    void stopLogins() {
        loginPacer = null;
    }

    private void startDueLogins(long now) {
        long n = Math.min(loginPacer.due(now), Math.min(concurrencyShare - inFlight, MAX_PER_TICK));
        n = Math.min(n, userShare - usersStarted);
        for (long i = 0; i < n; i++) {
            int user = options.first + index + usersStarted * loopCount;
            inFlight++;
            Session s = engine.ring != null && engine.round != Engine.Round.REGISTER ? new ContactSession(this, user)
                    : engine.rooms != null ? new MucSession(this, user) : new Session(this, user);
            if (byPosition != null) byPosition[usersStarted] = s;
            usersStarted++;
            s.slot = sessions.size();
            sessions.add(s);
            s.connect(System.nanoTime());
        }
        if (n > 0) loginPacer.took(n);
        if (usersStarted >= userShare) loginPacer = null;
    }

    void startSending(long startNanos, double perSecond, String[] targets) {
        this.targets = targets;
        this.sendPacer = new Pacer(startNanos, perSecond);
    }

    void stopSending() {
        sendPacer = null;
        mucPacer = null;
    }

    // ---- muc ------------------------------------------------------------------------------------------------------

    /** presence-churn: this loop's inactive sessions say they are active; returns how many. */
    long wakeInactive() {
        long n = 0;
        for (Session s : online) if (s instanceof ContactSession c && c.wake()) n++;
        return n;
    }

    /** Marks this loop's users online now, for the choice of each room's creator. */
    Void markOnline() {
        for (Session s : online) engine.rooms.markOnline(((MucSession) s).offset());
        return null;
    }

    /**
     * Queues the joins of this loop's users online: the rooms' creators, or the others (whose room is ready; those
     * whose room failed are counted as not taking part). Returns how many were asked.
     */
    long queueJoins(boolean creators) {
        long n = 0;
        for (Session s : online) {
            MucSession m = (MucSession) s;
            if (engine.rooms.isCreator(m.offset()) != creators) continue;
            n++;
            if (creators || engine.rooms.state(engine.rooms.room(m.offset())) == MucRooms.READY) {
                m.queued(creators);
                joinQueue.add(m);
            } else {
                m.roomNotReady();
            }
        }
        return n;
    }

    /** A join (a creator's: its configuration too) has ended, either way. */
    void joinEnded() {
        if (joinsInFlight > 0) joinsInFlight--;
    }

    /**
     * Groupchat messages at perSecond over all rooms on the one schedule every loop follows, numbered from seqBase
     * on.
     */
    void startGroupchat(long startNanos, double perSecond, long seqBase) {
        mucPacer = new Pacer(startNanos, perSecond);
        mucSeqBase = seqBase;
    }

    /**
     * Message m goes to room m mod rooms, sent by the room's occupants in turn; every loop walks the same schedule
     * and sends the messages whose sender it holds, so the rate is spread evenly over the rooms whatever the loops.
     */
    private void sendDueGroupchat(long now) {
        MucRooms rooms = engine.rooms;
        long n = Math.min(mucPacer.due(now), MAX_PER_TICK);
        long first = mucPacer.done();
        for (long i = 0; i < n; i++) {
            long m = first + i;
            int room = (int) (m % rooms.count);
            int slot = rooms.sender(room, m / rooms.count);
            if (slot < 0) continue; // nobody in that room: offered, not sent
            int offset = room * rooms.size + slot;
            if (offset % loopCount != index) continue;
            Session s = byPosition[offset / loopCount];
            if (s != null) ((MucSession) s).sendGroupchat(mucSeqBase + m, mucPacer.dueAt(m));
        }
        mucPacer.took(n);
    }

    private void sendDueMessages(long now) {
        long n = Math.min(sendPacer.due(now), MAX_PER_TICK);
        long first = sendPacer.done();
        for (long i = 0; i < n && !online.isEmpty(); i++) {
            Session from = online.get(random.nextInt(online.size()));
            if (targets == null) {
                ((ContactSession) from).changePresence(localSeq++ * loopCount + index);
                continue;
            }
            String to = pickTarget(from.jid);
            if (to == null) break;
            long seq = localSeq++ * loopCount + index; // disjoint across loops without sharing a counter
            from.sendChat(to, seq, sendPacer.dueAt(first + i));
        }
        // Messages that found no sender count as offered and not sent: the achieved rate shows them.
        sendPacer.took(n);
    }

    /** Roster setup: this loop's sessions send their subscribe requests, one each in turn. */
    void startSubscribing() {
        subscribing = true;
    }

    /** A push showed the contact approved one of our requests. */
    void subscriptionAnswered() {
        if (subscribeOutstanding > 0) subscribeOutstanding--;
    }

    /** Roster setup: how many of its sessions' roster items should become 'both'. */
    long expectedBoth() {
        long n = 0;
        for (Session s : online) n += ((ContactSession) s).expectedBoth();
        return n;
    }

    private void sendSubscriptions() {
        int budget = Math.min(MAX_PER_TICK, concurrencyShare - subscribeOutstanding);
        int idle = 0;
        while (budget > 0 && idle < online.size()) {
            if (subscribePos >= online.size()) subscribePos = 0;
            if (((ContactSession) online.get(subscribePos++)).subscribeNext()) {
                budget--;
                subscribeOutstanding++;
                idle = 0;
            } else {
                idle++;
            }
        }
        if (online.isEmpty() || idle >= online.size()) subscribing = false; // every session has sent all it needs
    }

    /** A random target other than self; null when there is none. */
    private String pickTarget(String self) {
        if (targets.length < 2) return null;
        for (int tries = 0; tries < 8; tries++) {
            String t = targets[random.nextInt(targets.length)];
            if (!t.equals(self)) return t;
        }
        return null;
    }

    List<String> onlineJids() {
        List<String> out = new ArrayList<>(online.size());
        for (Session s : online) out.add(s.jid);
        return out;
    }

    /**
     * The user's session was dropped (or its last attempt failed): it connects again after a random wait of up to
     * --reconnect-delay, as clients back off.
     */
    void reconnectLater(int user, SmStream stream) {
        stream.attempts++;
        long max = options.reconnectDelay.toNanos();
        long wait = max > 0 ? random.nextLong(max) : 0;
        reconnects.add(new Reconnect(System.nanoTime() + wait, user, stream));
    }

    boolean closing() {
        return closing;
    }

    /**
     * --check-archive: every session online reads its archive, a few at a time (all at once, queries of a thousand
     * users at a time out at a Cassandra on two cores); returns how many will.
     */
    long startArchiveCheck() {
        archiveQueue.addAll(online);
        metrics.archiveQueried.add(online.size());
        return online.size();
    }

    /** A session has read its archive to the end, or failed to. */
    void archiveEnded() {
        archiveReading--;
    }

    void closeAll() {
        closing = true;
        for (Reconnect r : reconnects) metrics.reconnectFailed("unfinished-at-end:waiting", null, true);
        reconnects.clear();
        loginPacer = null;
        sendPacer = null;
        mucPacer = null;
        joinQueue.clear();
        subscribing = false;
        for (int i = sessions.size() - 1; i >= 0; i--) {
            if (i < sessions.size()) sessions.get(i).closeAtEnd();
        }
    }

    /** A client nonce for SCRAM: 18 random bytes in base64 (RFC 5802 wants printable, and no ','). */
    String nonce() {
        // SplittableRandom, not SecureRandom: these accounts are throwaway and the nonce only has to be unique.
        for (int i = 0; i < nonceBytes.length; i += 8) {
            long r = random.nextLong();
            for (int j = i; j < Math.min(i + 8, nonceBytes.length); j++) {
                nonceBytes[j] = (byte) r;
                r >>>= 8;
            }
        }
        return Base64.getEncoder().encodeToString(nonceBytes);
    }

    /** A closed BOSH session waits for the answer to its terminate request. */
    void linger(Connection c) {
        lingering.add(c);
    }

    void loginEnded() {
        inFlight--;
    }

    void sessionOnline(Session s) {
        s.onlineSlot = online.size();
        online.add(s);
    }

    /** Forgets a session that has closed. */
    void remove(Session s) {
        if (byPosition != null && s instanceof MucSession m && byPosition[m.offset() / loopCount] == s) {
            byPosition[m.offset() / loopCount] = null;
        }
        swapRemove(sessions, s, s.slot, true);
        s.slot = -1;
        if (s.onlineSlot >= 0) {
            swapRemove(online, s, s.onlineSlot, false);
            s.onlineSlot = -1;
        }
    }

    private static void swapRemove(ArrayList<Session> list, Session s, int at, boolean slot) {
        if (at < 0 || at >= list.size() || list.get(at) != s) return;
        Session last = list.remove(list.size() - 1);
        if (last != s) {
            list.set(at, last);
            if (slot) {
                last.slot = at;
            } else {
                last.onlineSlot = at;
            }
        }
    }
}
