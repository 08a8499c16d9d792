package io.rookery.protocol.stanza;

/** Namespace names of RFC 6120 and RFC 6121; each XEP's own are constants of its package under {@code xep}. */
public final class Namespaces {
    public static final String CLIENT = "jabber:client";
    public static final String SERVER = "jabber:server";
    public static final String STREAM = "http://etherx.jabber.org/streams";
    public static final String STREAMS_ERRORS = "urn:ietf:params:xml:ns:xmpp-streams";
    public static final String STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
    public static final String TLS = "urn:ietf:params:xml:ns:xmpp-tls";
    public static final String SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
    public static final String BIND = "urn:ietf:params:xml:ns:xmpp-bind";
    public static final String SESSION = "urn:ietf:params:xml:ns:xmpp-session";
    public static final String ROSTER = "jabber:iq:roster";

    private Namespaces() {
    }
}
