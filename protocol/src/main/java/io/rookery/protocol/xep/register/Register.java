package io.rookery.protocol.xep.register;

/** XEP-0077 namespaces: the query (§3) and the stream feature (§4). */
public final class Register {
    public static final String NS = "jabber:iq:register";
    public static final String FEATURE = "http://jabber.org/features/iq-register";

    private Register() {}
}
