package io.rookery.node.c2s;

import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.SessionProtocol.Message;
import io.rookery.protocol.xml.Element;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/**
 * XEP-0198 §5: this session was resumed by a new stream on the node. Until the user entity confirms it talks to the
 * successor ({@link SessionProtocol.Unbound}), what still reaches this actor is passed on, in order. Unlike the
 * other steps, one instance per session: it holds the successor (a rare state, so no field of every session does).
 */
final class HandedOver extends SessionState {
    private final ActorRef<Message> successor;

    HandedOver(ActorRef<Message> successor) {
        this.successor = successor;
    }

    @Override
    Behavior<Message> onElement(SessionActor s, Element e) {
        return s;
    }

    @Override
    Behavior<Message> onDeliver(SessionActor s, SessionProtocol.Deliver d) {
        successor.tell(d);
        return s;
    }

    @Override
    Behavior<Message> onDeliverKept(SessionActor s, SessionProtocol.DeliverKept k) {
        successor.tell(k);
        return s;
    }
}
