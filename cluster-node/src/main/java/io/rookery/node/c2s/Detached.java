package io.rookery.node.c2s;

import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.SessionProtocol.Message;
import io.rookery.protocol.xml.Element;
import org.apache.pekko.actor.typed.Behavior;

/**
 * XEP-0198 §5: a bound session whose connection was lost without a closing tag, waiting for a new stream to resume
 * it. It stays bound (and available to the user's contacts); what reaches it is kept, unwritten, by its stream
 * extension; a registration again with a moved user entity works as when connected. It ends when nobody resumes it
 * within the resumption time, or when another session binds its resource.
 */
final class Detached extends Established {
    static final Detached INSTANCE = new Detached();

    private Detached() {}

    @Override
    Behavior<Message> onElement(SessionActor s, Element e) {
        return s; // no connection, nothing to read
    }

    @Override
    Behavior<Message> onDeliver(SessionActor s, SessionProtocol.Deliver d) {
        s.send(d.stanza());
        return s;
    }
}
