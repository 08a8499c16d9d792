package io.rookery.protocol.xep.last;

import io.rookery.protocol.xml.Element;

/** XEP-0012: {@code <query xmlns='jabber:iq:last' seconds='N'/>}. */
public final class LastActivity {
    public static final String NS = "jabber:iq:last";

    private LastActivity() {}

    /** The result payload; negative seconds are sent as 0. */
    public static Element result(long seconds) {
        return Element.builder("query", NS).attr("seconds", Long.toString(Math.max(0, seconds))).build();
    }
}
