package io.rookery.node.user;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;

/**
 * What a bound resource asked of its account, as bits a session keeps so that it can restore them when it registers
 * again with a restarted user entity (after its shard moved or its node crashed): the roster (RFC 6121 §2.1.6
 * "interested resource"), XEP-0280 carbons, the XEP-0191 blocklist.
 */
public final class ResourceFlags {
    public static final int INTERESTED = 1;
    public static final int CARBONS = 2;
    public static final int BLOCKLIST = 4;

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
