package io.rookery.protocol.xep.rosterver;

/** XEP-0237 §3: the stream feature. */
public final class RosterVersioning {
    public static final String FEATURE = "urn:xmpp:features:rosterver";

    private RosterVersioning() {}
}
