package io.rookery.protocol.xep.carbons;

/** XEP-0280 namespaces. */
public final class Carbons {
    public static final String NS = "urn:xmpp:carbons:2";
    /** XEP-0297 Stanza Forwarding. */
    public static final String FORWARD = "urn:xmpp:forward:0";
    /** XEP-0334 Message Processing Hints ({@code <no-copy/>}). */
    public static final String HINTS = "urn:xmpp:hints";

    private Carbons() {}
}
