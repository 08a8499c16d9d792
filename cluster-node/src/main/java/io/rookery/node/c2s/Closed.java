package io.rookery.node.c2s;

import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.SessionProtocol.Message;
import io.rookery.protocol.xml.Element;
import org.apache.pekko.actor.typed.Behavior;

/**
 * RFC 6120 §4.4: our closing tag is sent; nothing more is read. The actor lives on until the connection is gone
 * and, if it was bound, the user entity confirmed the unbind.
 */
final class Closed extends SessionState {
    static final Closed INSTANCE = new Closed();

    private Closed() {}

    @Override
    Behavior<Message> onElement(SessionActor s, Element e) {
        return s;
    }
}
