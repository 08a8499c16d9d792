package io.rookery.node.ext;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.blocking.BlockingCommand;
import io.rookery.protocol.xep.carbons.Carbons;
import io.rookery.protocol.xml.Element;

/**
 * What a bound resource asked of its account, as bits kept in memory with the resource. A session keeps them too
 * and restores them when it registers again with a restarted user entity (after its shard moved or its node
 * crashed). A module changes its bit for the requesting resource through {@link IqOutcome#withFlags}.
 */
public final class ResourceFlags {
    /** RFC 6121 §2.1.6 "interested resource": asked for the roster, so gets its pushes. */
    public static final int INTERESTED = 1;
    /** XEP-0280: carbons enabled. */
    public static final int CARBONS = 2;
    /** XEP-0191: asked for the blocklist, so gets its pushes. */
    public static final int BLOCKLIST = 4;
    /**
     * XEP-0198: the session keeps its stream where another node finds it after its own died, and confirms the
     * messages it got to their senders once they are kept ({@code SessionProtocol.DeliverKept}).
     */
    public static final int KEPT = 8;
    /**
     * XEP-0198 §5: the session lost its connection and waits to be resumed (XEP-0357 push notifications go to the
     * app server for what reaches it). Only the account keeps this bit: the session tells it when it detaches
     * ({@code UserEntity.ResourceDetached}) and when it registers again while detached; a resumption clears it. A
     * bit well apart from the others, which are what a client asked for.
     */
    public static final int DETACHED = 1 << 8;

    private ResourceFlags() {}

    /** The flags after the session sent this iq to its own account (what a session keeps to restore them). */
    public static int after(int flags, Element iq) {
        Boolean carbons = Carbons.toggle(iq);
        if (carbons != null) return carbons ? flags | CARBONS : flags & ~CARBONS;
        if (!"get".equals(iq.attr("type"))) return flags;
        if (iq.child("query", Namespaces.ROSTER) != null) return flags | INTERESTED;
        if (iq.elements().size() == 1 && BlockingCommand.NS.equals(iq.elements().get(0).namespace())) {
            return flags | BLOCKLIST;
        }
        return flags;
    }
}
