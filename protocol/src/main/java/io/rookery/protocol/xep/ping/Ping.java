package io.rookery.protocol.xep.ping;

/** XEP-0199: {@code <ping xmlns='urn:xmpp:ping'/>} in an iq get. */
public final class Ping {
    public static final String NS = "urn:xmpp:ping";
    public static final String ELEMENT = "ping";

    private Ping() {}
}
