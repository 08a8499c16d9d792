package io.rookery.protocol.xep.privatexml;

/** XEP-0049: {@code <query xmlns='jabber:iq:private'/>}. */
public final class PrivateStorage {
    public static final String NS = "jabber:iq:private";

    private PrivateStorage() {}
}
