package io.rookery.node.ext.muc;

import io.rookery.node.user.SessionProtocol;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.xep.muc.Muc;
import io.rookery.protocol.xml.Element;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One occupant, in the room's memory only: its nick, real full JID, role, the session that holds its stream (null
 * once it is gone or unknown: stanzas then go through the user's account), its last presence, and the bucket its
 * messages are paced by.
 */
final class Occupant {
    String nick;
    final Jid jid;
    Muc.Role role;
    ActorRef<SessionProtocol.Message> session;
    /** The presence the occupant last sent the room, as received (its show, status, caps...). */
    Element presence;
    final String occupantId;
    /**
     * The session is known to be this occupant's now: it entered through it or sent through it since. False for an
     * occupant read back from the journal, whose session may be a dead incarnation on a node that restarted.
     */
    boolean confirmed = true;
    private double tokens;
    private long refilledAtNanos;

    Occupant(String nick, Jid jid, Muc.Role role, ActorRef<SessionProtocol.Message> session, Element presence,
            String occupantId, int burst) {
        this.nick = nick;
        this.jid = jid;
        this.role = role;
        this.session = session;
        this.presence = presence;
        this.occupantId = occupantId;
        this.tokens = burst;
        this.refilledAtNanos = System.nanoTime();
    }

    /** Takes one message from the bucket; false when the occupant sends faster than the room allows. */
    boolean mayTalk(double perSecond, int burst) {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - refilledAtNanos) * perSecond / 1e9);
        refilledAtNanos = now;
        if (tokens < 1) return false;
        tokens -= 1;
        return true;
    }
}
