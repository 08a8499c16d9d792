package io.rookery.node.ext;

import io.rookery.protocol.xml.Element;

/**
 * An iq get or set with exactly one payload (RFC 6120 §8.2.3, checked before dispatch), 'from' stamped by the
 * server; account is the addressed account (null when the server is addressed); stream is the connection of an iq
 * addressed to the stream (null for every other address).
 */
public record IqRequest(Element iq, AddressKind to, AccountView account, UnauthenticatedStream stream) {
    public IqRequest(Element iq, AddressKind to, AccountView account) {
        this(iq, to, account, null);
    }

    public Element payload() {
        return iq.elements().get(0);
    }

    public IqType type() {
        return IqType.of(iq.attr("type"));
    }
}
