package io.rookery.node.c2s;

import io.rookery.node.user.SessionProtocol;
import io.rookery.node.user.SessionProtocol.Message;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.xml.Element;
import org.apache.pekko.actor.typed.Behavior;

/** RFC 6120 §5: STARTTLS is required, so nothing but {@code <starttls/>} may be negotiated first (§5.3.1). */
final class NegotiatingTls extends SessionState {
    static final NegotiatingTls INSTANCE = new NegotiatingTls();

    private NegotiatingTls() {}

    @Override
    Behavior<Message> onElement(SessionActor s, Element e) {
        if (isStartTls(e)) return startTls(s);
        if (Stanzas.isStanza(e)) return s.streamError(StreamErrorCondition.NOT_AUTHORIZED, null);
        if (Namespaces.SASL.equals(e.namespace())) {
            s.send("<failure xmlns='" + Namespaces.SASL + "'><encryption-required/></failure>");
            return s.processed();
        }
        return s.streamError(StreamErrorCondition.POLICY_VIOLATION, "STARTTLS is required");
    }

    static boolean isStartTls(Element e) {
        return "starttls".equals(e.name()) && Namespaces.TLS.equals(e.namespace());
    }

    /** §5.4.2: proceed, then the TLS handshake; the stream restarts inside TLS (§5.4.3.3). */
    static Behavior<Message> startTls(SessionActor s) {
        if (s.tlsActive || !s.services.tlsAvailable()) {
            // §5.4.2.2: failure closes the stream.
            s.send("<failure xmlns='" + Namespaces.TLS + "'/>");
            return s.close(null);
        }
        s.send("<proceed xmlns='" + Namespaces.TLS + "'/>");
        s.restartStream(ConnectionStage.Out.START_TLS);
        s.processed();
        return s.become(AwaitingStreamHeader.INSTANCE);
    }
}
