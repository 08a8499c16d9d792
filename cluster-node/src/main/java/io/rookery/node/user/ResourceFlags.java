package io.rookery.node.user;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xep.carbons.Carbons;
import io.rookery.protocol.xml.Element;

/**
 * How a session keeps its resource's {@link io.rookery.node.ext.ResourceFlags} from the iq it sends to its own
 * account, so that it can restore them when it registers again with a restarted user entity.
 */
public final class ResourceFlags {
    public static final int INTERESTED = io.rookery.node.ext.ResourceFlags.INTERESTED;
    public static final int CARBONS = io.rookery.node.ext.ResourceFlags.CARBONS;
    public static final int BLOCKLIST = io.rookery.node.ext.ResourceFlags.BLOCKLIST;

    private ResourceFlags() {}

    /** The flags after the session sent this iq to its own account. */
    public static int after(int flags, Element iq) {
        Boolean carbons = Carbons.toggle(iq);
        if (carbons != null) return carbons ? flags | CARBONS : flags & ~CARBONS;
        if (!"get".equals(iq.attr("type"))) return flags;
        if (iq.child("query", Namespaces.ROSTER) != null) return flags | INTERESTED;
        if (Blocking.isRequest(iq)) return flags | BLOCKLIST;
        return flags;
    }
}
