package io.rookery.protocol.xep.offline;

/** XEP-0203: {@code <delay xmlns='urn:xmpp:delay' from stamp/>}. */
public final class Delay {
    public static final String NS = "urn:xmpp:delay";

    private Delay() {}
}
