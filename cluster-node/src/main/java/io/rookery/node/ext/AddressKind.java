package io.rookery.node.ext;

/** Whom an iq is addressed to, as the core classifies it before it looks up a handler. */
public enum AddressKind {
    /** The server's own domain (RFC 6120 §10.3.3, 'to' the bare domain). */
    SERVER,
    /** The sender's own bare JID, or no 'to' at all (RFC 6120 §10.3.3, RFC 6121 §2). */
    OWN_ACCOUNT,
    /** Another account's bare JID, answered by the server on its behalf (RFC 6121 §8.5.2.1.3). */
    OTHER_ACCOUNT,
    /**
     * The server, over a stream not yet authenticated: only what a module offers there, such as XEP-0077
     * registration (§3); the session refuses every other stanza before authentication (RFC 6120 §4.9.3.12).
     */
    STREAM
}
