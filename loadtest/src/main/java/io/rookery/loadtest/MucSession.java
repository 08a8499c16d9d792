package io.rookery.loadtest;

import io.rookery.protocol.xep.muc.Muc;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.XmlWriter;
import java.util.Locale;

/**
 * A {@link Session} whose user is an occupant of one XEP-0045 room of the muc scenario ({@link MucRooms}). Once
 * online, on its loop's command:
 *
 * <ul>
 *   <li>it enters the room (§7.2.2, no discussion history asked for) and waits for its self-presence, the one with
 *       status 110 (§7.2.3); refused with an error presence, it takes no part, counted by the condition;
 *   <li>as its room's creator, the self-presence carries 201 too: the room is locked until configured (§10.1.1),
 *       so it submits the configuration form with max users and not persistent (§10.1.3), or, refused, an empty
 *       form (an instant room, §10.1.2); only then may the others enter;
 *   <li>it sends the groupchat messages its loop gives it ({@code lt1 SEQ NANOTIME LATENANOS} as in chat) and times
 *       every one of ours the room sends it, its own included.
 * </ul>
 *
 * <p>Besides the session it keeps its room, slot, a state and one timestamp.
 */
final class MucSession extends Session {
    private static final byte NONE = 0;
    private static final byte QUEUED = 1;
    private static final byte JOINING = 2;
    private static final byte CONFIGURING = 3;
    private static final byte CONFIGURING_EMPTY = 4;
    private static final byte JOINED = 5;
    private static final byte OUT = 6;
    private static final String DATA = "jabber:x:data";

    private final MucRooms rooms;
    private final int offset;
    private final int room;
    private final int slot;
    private byte muc = NONE;
    private boolean creator;
    /** When the join presence, or the configuration form, went out. */
    private long stepNanos;

    MucSession(IoLoop loop, int userIndex) {
        super(loop, userIndex);
        this.rooms = loop.engine.rooms;
        this.offset = userIndex - loop.options.first;
        this.room = rooms.room(offset);
        this.slot = rooms.slot(offset);
    }

    int offset() {
        return offset;
    }

    /** Waits in its loop's queue of joins; counted as asked from now on. */
    void queued(boolean asCreator) {
        creator = asCreator;
        muc = QUEUED;
        loop.metrics.mucJoinsAsked.increment();
    }

    /** Its room was never created: this user takes no part (counted as asked and failed). */
    void roomNotReady() {
        loop.metrics.mucJoinsAsked.increment();
        loop.metrics.roomJoinFailed("muc-join:room-not-created", null);
        muc = OUT;
    }

    /** Sends the join presence; false when the session has ended meanwhile (counted already). */
    boolean join() {
        if (muc != QUEUED || !isOnline()) return false;
        muc = JOINING;
        stepNanos = System.nanoTime();
        StringBuilder sb = text().append("<presence to='").append(rooms.jid(room)).append('/');
        XmlWriter.escapeAttr(loop.options.userName(userIndex), sb);
        send(sb.append("'><x xmlns='").append(Muc.NS).append("'><history maxstanzas='0'/></x></presence>"));
        return true;
    }

    boolean isJoined() {
        return muc == JOINED;
    }

    /** A groupchat message to the room, numbered seq, meant to leave at dueNanos. */
    void sendGroupchat(long seq, long dueNanos) {
        if (muc != JOINED || !isOnline()) return;
        long now = System.nanoTime();
        StringBuilder sb = text().append("<message type='groupchat' to='").append(rooms.jid(room)).append("' id='g")
                .append(seq).append("'><body>").append(BODY_PREFIX).append(seq).append(' ').append(now).append(' ')
                .append(Math.max(0, now - dueNanos));
        int pad = loop.options.bodySize;
        if (pad > 0) {
            sb.append(' ');
            for (int i = 0; i < pad; i++) sb.append((char) ('a' + i % 26));
        }
        send(sb.append("</body></message>"));
        if (isOnline()) loop.metrics.groupchatSent(rooms.occupants(room));
    }

    // ---- the room's answers --------------------------------------------------------------------------------------

    @Override
    void onPresence(Element p) {
        if (muc < JOINING || muc == OUT || !rooms.isFrom(room, p.attr("from"))) return;
        String type = p.attr("type");
        if ("error".equals(type)) {
            if (muc == JOINING) notJoined("muc-join:" + Replies.stanzaErrorCondition(p), Replies.errorText(p));
            return;
        }
        Element x = p.child("x", Muc.USER);
        if (x == null || !hasStatus(x, "110")) return; // another occupant, or the room's list before our own
        if ("unavailable".equals(type)) {
            if (muc == JOINED) {
                // Kicked, banned or the room destroyed: no longer an occupant (§9.2, §10.9).
                rooms.left(offset);
                muc = OUT;
                loop.metrics.stepFailed("muc:removed-from-room", statuses(x));
            }
            return;
        }
        if (muc != JOINING) return;
        long now = System.nanoTime();
        long took = now - stepNanos;
        if (creator && hasStatus(x, "201")) {
            // §10.1.1: created and locked; nobody else may enter until it is configured.
            loop.metrics.mucRoomsCreated.increment();
            loop.metrics.roomJoined(took);
            submitConfiguration(false);
        } else if (creator) {
            loop.metrics.mucRoomsExisting.increment(); // a room of the same name was there (a rerun): usable as is
            loop.metrics.roomJoined(took);
            occupy();
            rooms.ready(room);
            loop.joinEnded();
        } else {
            loop.metrics.roomJoined(took);
            occupy();
            loop.joinEnded();
        }
    }

    /**
     * §10.1.3: max users at least the room size and not persistent, so that the room goes when its occupants do;
     * empty: §10.1.2's instant room with the service's defaults, for a server that refuses a value it does not offer.
     */
    private void submitConfiguration(boolean empty) {
        muc = empty ? CONFIGURING_EMPTY : CONFIGURING;
        stepNanos = System.nanoTime();
        StringBuilder sb = text().append("<iq type='set' to='").append(rooms.jid(room)).append("' id='")
                .append(empty ? "mucconf2" : "mucconf").append("'><query xmlns='").append(Muc.OWNER)
                .append("'><x xmlns='").append(DATA).append("' type='submit'");
        if (empty) {
            sb.append("/>");
        } else {
            sb.append("><field var='FORM_TYPE'><value>").append(Muc.ROOMCONFIG).append("</value></field>")
                    .append("<field var='muc#roomconfig_maxusers'><value>").append(rooms.size)
                    .append("</value></field><field var='muc#roomconfig_persistentroom'><value>0</value></field></x>");
        }
        send(sb.append("</query></iq>"));
    }

    @Override
    void onIq(Element iq) {
        String id = iq.attr("id");
        String type = iq.attr("type");
        boolean ours = muc == CONFIGURING ? "mucconf".equals(id) : muc == CONFIGURING_EMPTY && "mucconf2".equals(id);
        if (!ours || !("result".equals(type) || "error".equals(type))) {
            answerIq(iq);
            return;
        }
        if ("result".equals(type)) {
            occupy();
            rooms.ready(room);
            loop.joinEnded();
        } else if (muc == CONFIGURING) {
            loop.metrics.mucConfigRetried.increment();
            submitConfiguration(true);
        } else {
            configurationFailed("muc-config:" + Replies.stanzaErrorCondition(iq), Replies.errorText(iq));
        }
    }

    @Override
    void onMessage(Element m) {
        if (!"groupchat".equals(m.attr("type"))) {
            super.onMessage(m); // bounces of ours (type error) are counted there
            return;
        }
        if (muc != JOINED || !rooms.isFrom(room, m.attr("from"))) return;
        String body = m.childText("body", null);
        if (body == null || !body.startsWith(BODY_PREFIX)) return; // the subject, status codes, others' messages
        long now = System.nanoTime();
        long[] parsed = parseBody(body);
        // One key per (message, occupant): a message reaches every slot of its room once.
        if (parsed != null) loop.metrics.groupchatReceived(parsed[0] * rooms.size + slot, parsed[1], parsed[2], now);
    }

    /** In the room: its messages reach us, and we may be picked to send. */
    private void occupy() {
        muc = JOINED;
        rooms.joined(offset);
    }

    private void notJoined(String kind, String detail) {
        muc = OUT;
        loop.metrics.roomJoinFailed(kind, detail);
        if (creator) rooms.fail(room);
        loop.joinEnded();
    }

    /** The creator is in the room, but the room stays locked: nobody else can enter, so it takes no part either. */
    private void configurationFailed(String kind, String detail) {
        muc = OUT;
        loop.metrics.mucJoined.decrement(); // counted as joined at its self-presence; it does not take part
        loop.metrics.roomJoinFailed(kind, detail);
        rooms.fail(room);
        loop.joinEnded();
    }

    @Override
    void sweepOnline(long now) {
        if (now - stepNanos <= loop.loginTimeoutNanos) return;
        String after = " after " + Options.seconds(loop.options.loginTimeout);
        if (muc == JOINING) {
            notJoined("muc-join:timeout", "no self-presence from " + rooms.jid(room) + after);
        } else if (muc == CONFIGURING || muc == CONFIGURING_EMPTY) {
            configurationFailed("muc-config:timeout", "no answer to the room configuration" + after);
        }
    }

    @Override
    void onRelease() {
        switch (muc) {
            case JOINED -> rooms.left(offset);
            case QUEUED -> loop.metrics.roomJoinFailed("muc-join:session-ended", null);
            case JOINING -> notJoined("muc-join:session-ended", null);
            case CONFIGURING, CONFIGURING_EMPTY -> configurationFailed("muc-config:session-ended", null);
            default -> { }
        }
        if (muc == QUEUED && creator) rooms.fail(room);
        muc = OUT;
    }

    private static boolean hasStatus(Element x, String code) {
        for (Element s : x.children("status", Muc.USER)) {
            if (code.equals(s.attr("code"))) return true;
        }
        return false;
    }

    private static String statuses(Element x) {
        StringBuilder sb = new StringBuilder("status");
        for (Element s : x.children("status", Muc.USER)) sb.append(' ').append(s.attr("code"));
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
